import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Express } from "express";
import supertest from "supertest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config/config.js";
import { type Database, openDatabase } from "../../src/db/client.js";
import { systemClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/logger.js";
import { createCatcherMailer } from "../../src/mail/catcher-mailer.js";
import { createTestApp, signedIn, type TestApp } from "../helpers/app.js";

describe("health check and error pages", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it("answers 404 with the site's page, and JSON for API clients", async () => {
    const viewer = await signedIn(t, "viewer");
    const page = await viewer.agent.get("/no/such/page");
    assert.equal(page.status, 404);
    assert.match(page.text, /<h1>Page not found<\/h1>/);
    assert.match(page.text, /<nav aria-label="Main">/);
    const json = await viewer.agent.get("/no/such/page").set("Accept", "application/json");
    assert.equal(json.status, 404);
    assert.equal(json.body.error.status, 404);
  });

  it("answers 403 with a page saying what to do", async () => {
    const viewer = await signedIn(t, "viewer");
    const res = await viewer.agent.get("/admin/users");
    assert.equal(res.status, 403);
    assert.match(res.text, /Your role does not allow this/);
  });

  it("answers 400 to a malformed JSON body without a stack trace", async () => {
    const res = await supertest(t.app).post("/login").set("Content-Type", "application/json").send("{not json");
    assert.equal(res.status, 400);
    assert.doesNotMatch(res.text, /at .*\.js:\d+/);
  });

  it("answers 413 to a form body over the limit (1 MB)", async () => {
    const res = await supertest(t.app)
      .post("/login")
      .type("form")
      .send({ email: "x".repeat(1_100_000) });
    assert.equal(res.status, 413);
  });

  it("sets the security headers: CSP without inline script, no framing by others, no sniffing", async () => {
    const res = await supertest(t.app).get("/login");
    const csp = String(res.headers["content-security-policy"]);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'self'/);
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.ok(res.headers["x-request-id"]);
    assert.equal(res.headers["x-powered-by"], undefined);
  });

  it("reports the database kind and status", async () => {
    const up = await supertest(t.app).get("/healthz");
    assert.equal(up.status, 200);
    assert.deepEqual(up.body, { status: "ok", database: { kind: t.db.kind, status: "up" }, mail: "catcher" });
  });
});

describe("when the database cannot be reached", () => {
  let app: Express;
  let db: Database;
  before(async () => {
    // A real PostgreSQL client aimed at a port where nothing listens.
    db = await openDatabase("postgresql://breachdesk@127.0.0.1:9/unreachable", { connect: false });
    const config = loadConfig({
      NODE_ENV: "test",
      DATABASE_URL: "postgresql://breachdesk@127.0.0.1:9/unreachable",
      SESSION_SECRET: "s".repeat(40),
    });
    app = await createApp({
      config,
      db,
      clock: systemClock,
      logger: createLogger("silent"),
      mailer: createCatcherMailer({ db, from: config.MAIL_FROM }),
    });
  });
  after(() => db.close());

  it("answers /healthz with 503 and says the database is down", async () => {
    const res = await supertest(app).get("/healthz");
    assert.equal(res.status, 503);
    assert.deepEqual(res.body.database, { kind: "postgresql", status: "down" });
  });

  it("shows a 500 page without a stack trace, with a reference", async () => {
    const res = await supertest(app).get("/login");
    assert.equal(res.status, 500);
    assert.match(res.text, /Something went wrong/);
    assert.match(res.text, /Reference: <code>[\w-]+<\/code>/);
    assert.doesNotMatch(res.text, /at .*\.(js|ts):\d+/);
    assert.doesNotMatch(res.text, /Prisma|ECONNREFUSED|127\.0\.0\.1/i);
  });
});
