import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { serverZone } from "../../src/modules/users/users.service.js";
import { addUser, agentFor, createTestApp, csrfFrom, TEST_PASSWORD, type TestApp } from "../helpers/app.js";

describe("first run", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it("sends every page to setup while no user exists, but answers /healthz", async () => {
    for (const path of ["/", "/login", "/admin/users", "/nowhere"]) {
      const res = await supertest(t.app).get(path);
      assert.equal(res.status, 303, path);
      assert.equal(res.headers.location, "/setup");
    }
    const health = await supertest(t.app).get("/healthz");
    assert.equal(health.status, 200);
    assert.deepEqual(health.body.database, { kind: t.db.kind, status: "up" });
  });

  it("refuses a setup form without its CSRF token", async () => {
    const res = await supertest(t.app)
      .post("/setup")
      .type("form")
      .send({ name: "Mallory", email: "m@example.org", password: TEST_PASSWORD, confirm: TEST_PASSWORD });
    assert.equal(res.status, 403);
    assert.equal(await t.db.prisma.user.count(), 0);
  });

  it("re-renders the setup form with a message per bad field, keeping what was typed", async () => {
    const client = agentFor(t);
    const res = await client.post("/setup", { name: "", email: "not-an-address", password: "short", confirm: "other" }, "/setup");
    assert.equal(res.status, 400);
    assert.match(res.text, /Enter a name\./);
    assert.match(res.text, /Enter an e-mail address like name@example\.org\./);
    assert.match(res.text, /Use at least 12 characters\./);
    assert.match(res.text, /value="not-an-address"/);
    assert.equal(await t.db.prisma.user.count(), 0);
  });

  it("creates the first administrator, signs them in, and then disappears", async () => {
    const client = agentFor(t);
    const form = await client.agent.get("/setup");
    assert.match(form.text, new RegExp(`<option selected>${serverZone()}</option>`), "the server's zone is offered first");
    assert.ok(
      form.text.includes(`It starts as the server's zone (${serverZone()})`),
      "the form says where the default comes from",
    );
    const res = await client.post(
      "/setup",
      {
        name: "Ada Admin",
        email: "Ada@Example.org",
        password: TEST_PASSWORD,
        confirm: TEST_PASSWORD,
        timeZone: "Australia/Perth",
      },
      "/setup",
    );
    assert.equal(res.status, 303);
    const home = await client.agent.get("/");
    assert.equal(home.status, 200);
    assert.match(home.text, /Ada Admin/);
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { email: "ada@example.org" } });
    assert.equal(user.role, "admin");
    assert.equal(user.timeZone, "Australia/Perth");
    assert.match(user.passwordHash ?? "", /^\$argon2id\$/);
    assert.equal((await client.agent.get("/setup")).status, 404);
    const again = await agentFor(t).post("/setup", {
      name: "Eve",
      email: "eve@example.org",
      password: TEST_PASSWORD,
      confirm: TEST_PASSWORD,
    });
    assert.equal(again.status, 404);
    assert.equal(await t.db.prisma.user.count(), 1);
  });
});

describe("sign-in and sign-out", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: "3", LOGIN_WINDOW_MINUTES: "15" });
  });
  after(() => t.close());

  it("signs in, sets a hardened cookie, and signs out", async () => {
    const user = await addUser(t, "viewer", "viv@example.org");
    const client = agentFor(t);
    const res = await client.post("/login", { email: "VIV@example.org", password: TEST_PASSWORD, next: "/" });
    assert.equal(res.status, 303);
    const cookie = String(res.headers["set-cookie"]);
    assert.match(cookie, /breachdesk\.sid=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/);
    assert.equal((await client.agent.get("/")).status, 200);
    const session = await t.db.prisma.session.findFirst({ where: { userId: user.id } });
    assert.ok(session, "the session is kept in the database");

    const home = await client.agent.get("/");
    const out = await client.agent
      .post("/logout")
      .type("form")
      .send({ _csrf: csrfFrom(home.text) });
    assert.equal(out.status, 303);
    assert.equal((await client.agent.get("/")).headers.location, "/login?next=%2F");
    const actions = (await t.db.prisma.auditEntry.findMany({ where: { actorId: user.id } })).map((e) => e.action);
    assert.ok(actions.includes("auth.login") && actions.includes("auth.logout"));
  });

  it("never redirects to another site after sign-in", async () => {
    const user = await addUser(t, "viewer");
    const res = await agentFor(t).post("/login", { email: user.email, password: TEST_PASSWORD, next: "//evil.example/x" });
    assert.equal(res.headers.location, "/");
  });

  it("gives one message for a wrong password and an unknown account", async () => {
    const user = await addUser(t, "viewer");
    const wrong = await agentFor(t).post("/login", { email: user.email, password: "wrong password!!" });
    const unknown = await agentFor(t).post("/login", { email: "nobody@example.org", password: "wrong password!!" });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.match(wrong.text, /do not match an active account/);
    assert.match(unknown.text, /do not match an active account/);
    assert.match(wrong.text, new RegExp(`value="${user.email}"`));
  });

  it("makes a client that keeps failing wait, 5 seconds and doubling, and says for how long", async () => {
    const user = await addUser(t, "manager");
    for (let i = 0; i < 3; i++) await agentFor(t).post("/login", { email: user.email, password: "not the password" });
    const waiting = await agentFor(t).post("/login", { email: user.email, password: TEST_PASSWORD });
    assert.equal(waiting.status, 429);
    assert.match(
      waiting.text,
      /Too many failed sign-ins to this account from your network address\. Wait 5 seconds and try again, or reset your password\./,
    );
    t.clock.advance(5_000);
    assert.equal((await agentFor(t).post("/login", { email: user.email, password: "still not it" })).status, 401);
    const longer = await agentFor(t).post("/login", { email: user.email, password: TEST_PASSWORD });
    assert.equal(longer.status, 429);
    assert.match(longer.text, /Wait 10 seconds/);
    t.clock.advance(10_000);
    assert.equal((await agentFor(t).post("/login", { email: user.email, password: TEST_PASSWORD })).status, 303);
    // A success cleared this address's count on the account: three more failures before a wait.
    for (let i = 0; i < 2; i++) await agentFor(t).post("/login", { email: user.email, password: "not the password" });
    assert.equal((await agentFor(t).post("/login", { email: user.email, password: TEST_PASSWORD })).status, 303);
    t.clock.advance(31 * 60_000);
  });

  it("makes an address that tries many accounts wait", async () => {
    // The address limit is five times the account limit: 15 failures over different accounts.
    for (let i = 0; i < 15; i++) await agentFor(t).post("/login", { email: `guess${i}@example.org`, password: "nope nope nope" });
    const user = await addUser(t, "viewer");
    const res = await agentFor(t).post("/login", { email: user.email, password: TEST_PASSWORD });
    assert.equal(res.status, 429);
    assert.match(res.text, /Too many failed sign-ins from your network address\. Wait 5 seconds and try again\./);
    t.clock.advance(31 * 60_000);
  });

  it("refuses a deactivated user and ends their open session", async () => {
    const user = await addUser(t, "manager");
    const client = agentFor(t);
    await client.post("/login", { email: user.email, password: TEST_PASSWORD });
    assert.equal((await client.agent.get("/")).status, 200);
    await t.db.prisma.user.update({ where: { id: user.id }, data: { status: "deactivated" } });
    assert.equal((await client.agent.get("/")).status, 303);
    const again = await agentFor(t).post("/login", { email: user.email, password: TEST_PASSWORD });
    assert.equal(again.status, 401);
  });
});

describe("cookies behind an HTTPS proxy", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ TRUST_PROXY: "1" });
  });
  after(() => t.close());

  it("marks the session cookie Secure when the request came over HTTPS, and only then", async () => {
    await addUser(t, "viewer");
    const overHttps = await supertest(t.app).get("/login").set("X-Forwarded-Proto", "https");
    assert.match(String(overHttps.headers["set-cookie"]), /breachdesk\.sid=.*; Secure/);
    const overHttp = await supertest(t.app).get("/login");
    assert.doesNotMatch(String(overHttp.headers["set-cookie"]), /Secure/);
  });

  it("asks browsers for HTTPS only behind a trusted proxy", async () => {
    assert.match(String((await supertest(t.app).get("/login")).headers["strict-transport-security"]), /max-age=/);
    const direct = await createTestApp();
    try {
      await addUser(direct, "viewer");
      assert.equal((await supertest(direct.app).get("/login")).headers["strict-transport-security"], undefined);
    } finally {
      await direct.close();
    }
  });
});
