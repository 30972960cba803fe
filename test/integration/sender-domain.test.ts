import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { dkimVerify } from "mailauth";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { createMailer } from "../../src/mail/create-mailer.js";
import { checkSenderDomain, checkSenderReadiness } from "../../src/modules/organisation/index.js";
import { createTestDatabase, type TestDatabase } from "../helpers/db.js";
import { startDnsServer, type TestDnsServer } from "../helpers/dns-server.js";
import { startSmtpSink } from "../helpers/smtp-sink.js";

// The sender domain check and DKIM signing against a real DNS server and a real SMTP server,
// both on 127.0.0.1: the app's resolver is pointed at the DNS server, as DNS_SERVERS does.

const DOMAIN = "linux.org.au";
const SELECTOR = "bd2026";
const keys = generateKeyPairSync("rsa", { modulusLength: 1024 });
const privatePem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const publicB64 = keys.publicKey.export({ type: "spki", format: "der" }).toString("base64");
const otherPublicB64 = generateKeyPairSync("rsa", { modulusLength: 1024 })
  .publicKey.export({ type: "spki", format: "der" })
  .toString("base64");

function zone() {
  return {
    [DOMAIN]: { TXT: ["v=spf1 include:_spf.relay.net.au ip4:198.51.100.7 -all", "google-site-verification=abc"] },
    "_spf.relay.net.au": { TXT: ["v=spf1 include:spf2.relay.net.au ~all"] },
    "spf2.relay.net.au": { TXT: ["v=spf1 ip4:203.0.113.0/24 -all"] },
    [`${SELECTOR}._domainkey.${DOMAIN}`]: { TXT: [`v=DKIM1; k=rsa; p=${publicB64}`] },
    [`_dmarc.${DOMAIN}`]: { TXT: ["v=DMARC1; p=quarantine; rua=mailto:dmarc@linux.org.au"] },
  } as Record<string, { TXT?: string[]; A?: string[] }>;
}

const statusOf = (readiness: { findings: { check: string; status: string }[] }) =>
  Object.fromEntries(readiness.findings.map((f) => [f.check, f.status]));

describe("sender domain check, against a DNS server on 127.0.0.1", () => {
  let dns: TestDnsServer;
  const dkim = { domain: DOMAIN, selector: SELECTOR, publicKeys: [publicB64] };
  before(async () => {
    dns = await startDnsServer(zone());
  });
  after(() => dns.close());

  it("finds SPF with the relay included through nested includes, the matching DKIM key and a DMARC policy", async () => {
    const readiness = await checkSenderDomain({
      domain: DOMAIN,
      dkim,
      relay: "include:spf2.relay.net.au",
      servers: dns.servers,
    });
    assert.deepEqual(statusOf(readiness), { spf: "ok", dkim: "ok", dmarc: "ok" });
    assert.equal(readiness.isReady, true);
    const [spf, key, dmarc] = readiness.findings;
    assert.equal(spf?.summary, "linux.org.au's SPF record includes the relay (include:spf2.relay.net.au).");
    assert.equal(spf?.record, "v=spf1 include:_spf.relay.net.au ip4:198.51.100.7 -all");
    assert.match(key?.summary ?? "", /published at bd2026\._domainkey\.linux\.org\.au and matches the signing key/);
    assert.equal(dmarc?.summary, "linux.org.au has a DMARC policy: quarantine.");
    // Found in the record that linux.org.au's own record includes.
    assert.ok(dns.asked.includes("TXT _spf.relay.net.au"), "the include chain was followed");
  });

  it("evaluates a relay named by its IP address with SPF: inside an included range passes, outside fails", async () => {
    const inside = await checkSenderDomain({ domain: DOMAIN, dkim: null, relay: "203.0.113.45", servers: dns.servers });
    assert.equal(statusOf(inside).spf, "ok");
    const outside = await checkSenderDomain({ domain: DOMAIN, dkim: null, relay: "192.0.2.9", servers: dns.servers });
    assert.equal(statusOf(outside).spf, "warning");
    assert.match(outside.findings[0]?.detail ?? "", /add ip4:192\.0\.2\.9 to the record/);
  });

  it("warns when SPF does not include the relay, the DKIM key is another one, and DMARC is missing", async () => {
    dns.zone[`${SELECTOR}._domainkey.${DOMAIN}`] = { TXT: [`v=DKIM1; k=rsa; p=${otherPublicB64}`] };
    delete dns.zone[`_dmarc.${DOMAIN}`];
    try {
      const readiness = await checkSenderDomain({ domain: DOMAIN, dkim, relay: "include:mailgun.org", servers: dns.servers });
      assert.deepEqual(statusOf(readiness), { spf: "warning", dkim: "warning", dmarc: "warning" });
      assert.equal(readiness.isReady, false);
      assert.match(readiness.findings[1]?.summary ?? "", /is not the one Breachdesk signs with/);
      assert.match(readiness.findings[2]?.detail ?? "", /v=DMARC1; p=none/);
    } finally {
      Object.assign(dns.zone, zone());
    }
  });

  it("warns when there is no SPF record, and when the signature's domain is not the sender's", async () => {
    const readiness = await checkSenderDomain({
      domain: "lca.example.net.au",
      dkim,
      relay: null,
      servers: dns.servers,
    });
    assert.equal(statusOf(readiness).spf, "warning");
    assert.match(readiness.findings[0]?.summary ?? "", /publishes no SPF record/);
    assert.match(readiness.findings[1]?.summary ?? "", /signed as linux\.org\.au, but sent from lca\.example\.net\.au/);
  });

  it("asks no DNS at all for a reserved domain, and says no one trusts mail from it", async () => {
    const before = dns.asked.length;
    const readiness = await checkSenderDomain({ domain: "example.org", dkim, relay: null, servers: dns.servers });
    assert.equal(dns.asked.length, before);
    assert.equal(readiness.isReady, false);
    assert.match(readiness.findings[0]?.summary ?? "", /reserved for examples and tests/);
  });

  it("gives up within its timeout on a DNS server that never answers, saying it could not check", async () => {
    const silent: Socket = createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", () => resolve()));
    try {
      const port = (silent.address() as AddressInfo).port;
      const started = performance.now();
      const readiness = await checkSenderDomain({
        domain: DOMAIN,
        dkim,
        relay: "include:mailgun.org",
        servers: [`127.0.0.1:${port}`],
        timeoutMs: 600,
      });
      const took = performance.now() - started;
      assert.ok(took < 1500, `the check took ${Math.round(took)} ms`);
      assert.deepEqual(statusOf(readiness), { spf: "unknown", dkim: "unknown", dmarc: "unknown" });
      assert.match(readiness.findings[0]?.summary ?? "", /Could not check .*: DNS did not answer/);
    } finally {
      silent.close();
    }
  });

  it("reads the settings: DKIM_* for the key it compares, MAIL_RELAY_SPF and DNS_SERVERS", async () => {
    const dir = mkdtempSync(join(tmpdir(), "breachdesk-dkim-"));
    try {
      writeFileSync(join(dir, "dkim.pem"), privatePem);
      const config = loadConfig({
        DKIM_DOMAIN: DOMAIN,
        DKIM_SELECTOR: SELECTOR,
        DKIM_PRIVATE_KEY_PATH: join(dir, "dkim.pem"),
        MAIL_RELAY_SPF: "198.51.100.7",
        DNS_SERVERS: dns.servers.join(","),
      });
      const readiness = await checkSenderReadiness(config, `privacy@${DOMAIN}`, { fresh: true });
      assert.deepEqual(statusOf(readiness), { spf: "ok", dkim: "ok", dmarc: "ok" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("DKIM signing", () => {
  let dns: TestDnsServer;
  let dir: string;
  let db: TestDatabase;
  const resolver = new Resolver();
  before(async () => {
    dns = await startDnsServer(zone());
    resolver.setServers(dns.servers);
    dir = mkdtempSync(join(tmpdir(), "breachdesk-dkim-"));
    writeFileSync(join(dir, "dkim.pem"), privatePem);
    db = await createTestDatabase();
  });
  after(async () => {
    await dns.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  const settings = () => ({ DKIM_DOMAIN: DOMAIN, DKIM_SELECTOR: SELECTOR, DKIM_PRIVATE_KEY_PATH: join(dir, "dkim.pem") });
  const verify = (raw: string) =>
    dkimVerify(Buffer.from(raw), { resolver: (name: string, type: string) => resolver.resolve(name, type) as never });

  it("signs through the SMTP pool: the message a real SMTP server received verifies against the key in DNS", async () => {
    const sink = await startSmtpSink();
    const mailer = createMailer(loadConfig({ SMTP_URL: sink.url, ...settings() }), db);
    try {
      await mailer.send({
        to: "attendee@example.net",
        from: { name: "Linux Australia, Inc.", address: `privacy@${DOMAIN}` },
        replyTo: `incidents@${DOMAIN}`,
        subject: "About BD-2026-0001",
        text: "Dear attendee,\nwe write about an incident.\n",
        html: "<p>Dear attendee,</p>",
      });
    } finally {
      await mailer.close();
      await sink.close();
    }
    const raw = sink.messages[0]?.raw ?? "";
    assert.match(raw, /^DKIM-Signature: .*d=linux\.org\.au/m);
    assert.match(sink.messages[0]?.headers.from ?? "", /"Linux Australia, Inc\." <privacy@linux\.org\.au>/);
    assert.equal(sink.messages[0]?.headers["reply-to"], "incidents@linux.org.au");
    const result = await verify(raw);
    assert.equal(result.results[0]?.status.result, "pass", JSON.stringify(result.results[0]?.status));
    assert.equal(result.results[0]?.signingDomain, DOMAIN);
    assert.equal(result.results[0]?.selector, SELECTOR);
    // A changed body fails: the test can tell a good signature from a bad one.
    const tampered = await verify(raw.replace("we write about an incident.", "we write about nothing."));
    assert.notEqual(tampered.results[0]?.status.result, "pass");
  });

  it("signs in the mail catcher too, so the kept copy carries the signature the relay would get", async () => {
    const mailer = createMailer(loadConfig(settings()), db);
    await mailer.send({ to: "attendee@example.net", from: `privacy@${DOMAIN}`, subject: "Caught", text: "Kept here.\n" });
    await mailer.close();
    const caught = await db.prisma.caughtMail.findFirstOrThrow({ where: { subject: "Caught" } });
    const headers = JSON.parse(caught.headers) as Record<string, string>;
    assert.match(headers["DKIM-Signature"] ?? "", /d=linux\.org\.au; .*s=bd2026/s);
  });

  it("refuses to start when the key file is missing, naming DKIM_PRIVATE_KEY_PATH", () => {
    const missing = join(dir, "nowhere.pem");
    assert.throws(
      () => loadConfig({ ...settings(), DKIM_PRIVATE_KEY_PATH: missing }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.length === 1 &&
        error.problems[0] ===
          `DKIM_PRIVATE_KEY_PATH=${JSON.stringify(missing)}: cannot be read (no such file); give the file holding the DKIM private key`,
    );
  });

  it("refuses a file that is no private key, and DKIM settings given only in part", () => {
    writeFileSync(join(dir, "not-a-key.pem"), "hello\n");
    assert.throws(
      () => loadConfig({ ...settings(), DKIM_PRIVATE_KEY_PATH: join(dir, "not-a-key.pem") }),
      /DKIM_PRIVATE_KEY_PATH=".*not-a-key\.pem": is not a private key in PEM form/,
    );
    assert.throws(
      () => loadConfig({ DKIM_DOMAIN: DOMAIN }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(
          error.problems.map((p) => p.split("=")[0]),
          ["DKIM_SELECTOR", "DKIM_PRIVATE_KEY_PATH"],
        );
        return true;
      },
    );
  });
});
