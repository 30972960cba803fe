import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { projectRoot } from "../lib/paths.js";
import { ConfigError, loadConfig, settingDocs } from "./config.js";

describe("configuration", () => {
  it("has working defaults for a fresh machine: SQLite under ./data, the mail catcher, port 3000", () => {
    const config = loadConfig({});
    assert.equal(config.DATABASE_URL, "file:./data/breachdesk.db");
    assert.equal(config.databaseKind, "sqlite");
    assert.equal(config.SMTP_URL, undefined);
    assert.equal(config.PORT, 3000);
    assert.equal(config.publicUrl, "http://localhost:3000");
    assert.equal(config.RUN_WORKER, true);
  });

  it("reads PostgreSQL URLs, booleans and numbers", () => {
    const config = loadConfig({
      DATABASE_URL: "postgresql://bd:secret@db:5432/breachdesk",
      RUN_WORKER: "false",
      PORT: "8080",
      PUBLIC_URL: "https://breachdesk.example.org/",
    });
    assert.equal(config.databaseKind, "postgresql");
    assert.equal(config.RUN_WORKER, false);
    assert.equal(config.PORT, 8080);
    assert.equal(config.publicUrl, "https://breachdesk.example.org");
  });

  it("treats an empty value as unset", () => {
    assert.equal(loadConfig({ PORT: "  ", SMTP_URL: "" }).PORT, 3000);
  });

  it("names every bad key and says what is wrong with it", () => {
    assert.throws(
      () =>
        loadConfig({
          PORT: "eighty",
          DATABASE_URL: "mysql://x",
          SMTP_URL: "http://relay",
          RUN_WORKER: "maybe",
          SESSION_SECRET: "short",
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.message;
        assert.match(text, /PORT="eighty": must be a port number/);
        assert.match(text, /DATABASE_URL="mysql:\/\/x": must start with file: \(SQLite\) or postgresql:\/\//);
        assert.match(text, /SMTP_URL="http:\/\/relay": must start with smtp:\/\/ or smtps:\/\//);
        assert.match(text, /RUN_WORKER="maybe": must be true or false/);
        assert.match(text, /SESSION_SECRET="\[hidden\]": must be at least 32 characters/);
        assert.doesNotMatch(text, /short/);
        return true;
      },
    );
  });

  it("never shows a password of a bad URL in its error", () => {
    assert.throws(
      () => loadConfig({ BOUNCE_MAILBOX_URL: "https://bounces:Sw0rdfish@mail.example.org", SMTP_URL: "http://u:p4ss@relay" }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /BOUNCE_MAILBOX_URL="https:\/\/bounces:\*\*\*@mail\.example\.org"/);
        assert.match(error.message, /SMTP_URL="http:\/\/u:\*\*\*@relay"/);
        assert.doesNotMatch(error.message, /Sw0rdfish|p4ss/);
        return true;
      },
    );
  });

  it("reads the bounce mailbox over IMAP, refuses POP3 saying to use IMAP, and refuses any other kind of URL", () => {
    for (const url of ["imaps://b:s@mail.example.org/Bounces", "imap://b:s@mail:143"]) {
      assert.equal(loadConfig({ BOUNCE_MAILBOX_URL: url }).BOUNCE_MAILBOX_URL, url);
    }
    for (const url of ["pop3s://b:s@mail.example.org", "pop3://b:s@mail:110"]) {
      assert.throws(
        () => loadConfig({ BOUNCE_MAILBOX_URL: url }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, /POP3 is no longer read .*: give the same mailbox over IMAP, imaps:\/\/user:password@host/);
          assert.doesNotMatch(error.message, /must start with/);
          return true;
        },
      );
    }
    assert.throws(
      () => loadConfig({ BOUNCE_MAILBOX_URL: "https://mail.example.org" }),
      /BOUNCE_MAILBOX_URL="https:\/\/mail\.example\.org": must start with imaps:\/\/ or imap:\/\//,
    );
  });

  it("takes TRUST_PROXY in Express's forms: a number of proxies, their addresses, or false", () => {
    assert.equal(loadConfig({}).TRUST_PROXY, false);
    assert.equal(loadConfig({ TRUST_PROXY: "false" }).TRUST_PROXY, false);
    assert.equal(loadConfig({ TRUST_PROXY: "0" }).TRUST_PROXY, false);
    assert.equal(loadConfig({ TRUST_PROXY: "1" }).TRUST_PROXY, 1);
    assert.equal(loadConfig({ TRUST_PROXY: "2" }).TRUST_PROXY, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: "10.0.0.5, 10.1.0.0/16,loopback, fd00::/8, uniquelocal" }).TRUST_PROXY, [
      "10.0.0.5",
      "10.1.0.0/16",
      "loopback",
      "fd00::/8",
      "uniquelocal",
    ]);
  });

  it("refuses TRUST_PROXY=true, which would believe any X-Forwarded-For, and says what to write", () => {
    for (const value of ["true", "yes", "TRUE"]) {
      assert.throws(
        () => loadConfig({ TRUST_PROXY: value }),
        new RegExp(
          `TRUST_PROXY="${value}": must be the number of proxies in front of Breachdesk \\(e\\.g\\. 1\\) or their addresses \\(e\\.g\\. 10\\.0\\.0\\.5 or loopback\\), since true believes any X-Forwarded-For`,
        ),
      );
    }
    assert.throws(
      () => loadConfig({ TRUST_PROXY: "10.0.0.5, proxy.example.org, 10.0.0.0/33" }),
      /TRUST_PROXY="10\.0\.0\.5, proxy\.example\.org, 10\.0\.0\.0\/33": must be false, the number of proxies .*"proxy\.example\.org", "10\.0\.0\.0\/33" are none of these/,
    );
  });

  it("hides an audit key that is too short, like a secret, and reads one of 32 bytes", () => {
    assert.throws(
      () => loadConfig({ AUDIT_KEY: "tooshort-but-private" }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /AUDIT_KEY="\[hidden\]": must be at least 32 bytes/);
        assert.doesNotMatch(error.message, /tooshort/);
        return true;
      },
    );
    assert.equal(loadConfig({ AUDIT_KEY: "k".repeat(32) }).AUDIT_KEY, "k".repeat(32));
  });

  it("documents every setting in .env.example, and nothing else", () => {
    const example = readFileSync(join(projectRoot, ".env.example"), "utf8");
    const keys = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    assert.deepEqual([...new Set(keys)].sort(), Object.keys(settingDocs).sort());
  });
});
