import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { agentFor, createTestApp, csrfFrom, signedIn, TEST_PASSWORD, type TestApp } from "../helpers/app.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/** Creates an API token through the account page and returns its secret. */
async function createToken(client: Client, name: string): Promise<string> {
  const res = await client.post("/account/tokens", { name }, "/account/tokens");
  assert.equal(res.status, 201, res.text.slice(0, 300));
  const secret = res.text.match(/value="(bd_[\w-]+)"/)?.[1];
  assert.ok(secret, "no token on the page");
  return secret;
}

/** Creates the calendar feed through the reminders page and returns its path. */
async function createFeed(client: Client): Promise<string> {
  const res = await client.post("/account/calendar", { confirm: "yes" }, "/account/reminders");
  assert.equal(res.status, 201, res.text.slice(0, 300));
  const path = res.text.match(/http:\/\/localhost:\d+(\/calendar\/[\w-]+\.ics)/)?.[1];
  assert.ok(path, "no calendar address on the page");
  return path;
}

/** Waits (up to 10 s) for the reset link mailed after /password/forgot answered. */
async function resetLink(t: TestApp, email: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mail = await t.db.prisma.caughtMail.findFirst({ where: { to: email }, orderBy: { createdAt: "desc" } });
    const link = mail?.text?.match(/http:\/\/localhost:\d+(\/password\/set\/[\w-]+)/)?.[1];
    if (link) return link;
    assert.ok(Date.now() < deadline, `no reset link was mailed to ${email}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function resetPassword(t: TestApp, email: string, password: string) {
  await agentFor(t).post("/password/forgot", { email }, "/password/forgot");
  const link = await resetLink(t, email);
  const client = agentFor(t);
  const page = await client.agent.get(link);
  const done = await client.agent
    .post(link)
    .type("form")
    .send({ _csrf: csrfFrom(page.text), password, confirm: password });
  assert.equal(done.status, 303, done.text.slice(0, 300));
}

describe("credentials issued on an account", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it("the account page lists the tokens and the calendar feed issued since the last password change", async () => {
    const viewer = await signedIn(t, "viewer");
    assert.ok((await t.db.prisma.user.findUniqueOrThrow({ where: { id: viewer.user.id } })).passwordChangedAt);
    t.clock.advance(60_000);
    await createToken(viewer, "Old script");
    let page = await viewer.agent.get("/account");
    assert.match(page.text, /Issued since your last password change/);
    assert.match(page.text, /Old script/);
    assert.match(page.text, /No calendar feed\./);

    t.clock.advance(60_000);
    await resetPassword(t, viewer.user.email, "a brand new passphrase");
    const again = agentFor(t);
    assert.equal((await again.post("/login", { email: viewer.user.email, password: "a brand new passphrase" })).status, 303);
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { id: viewer.user.id } });
    assert.equal(user.passwordChangedAt?.toISOString(), t.clock.now().toISOString());

    t.clock.advance(60_000);
    await createToken({ ...again, user: viewer.user }, "Someone else's bridge");
    await createFeed({ ...again, user: viewer.user });
    page = await again.agent.get("/account");
    // The section of what was issued since (the sessions-and-tokens list above it shows every working token).
    const issuedSection = page.text.slice(page.text.indexOf('id="issued-title"'));
    assert.doesNotMatch(issuedSection, /Old script/, "issued before the password changed");
    assert.match(page.text, /Someone else&#39;s bridge/);
    assert.match(page.text, /A calendar feed, issued/);
    const feedUser = await t.db.prisma.user.findUniqueOrThrow({ where: { id: viewer.user.id } });
    assert.equal(feedUser.calendarTokenCreatedAt?.toISOString(), t.clock.now().toISOString());
  });

  it("an administrator revokes all of a user's tokens and their feed in one audited action, after confirming", async () => {
    const admin = await signedIn(t, "admin");
    const manager = await signedIn(t, "manager");
    const tokens = [await createToken(manager, "SIEM"), await createToken(manager, "Laptop")];
    const feed = await createFeed(manager);
    const api = (token: string) => supertest(t.app).get("/api/v1/incidents").set("Authorization", `Bearer ${token}`);
    assert.equal((await api(tokens[0]!)).status, 200);
    assert.equal((await supertest(t.app).get(feed)).status, 200);

    const page = await admin.agent.get(`/admin/users/${manager.user.id}`);
    assert.match(page.text, /2 working API tokens; a calendar feed\./);
    assert.match(page.text, /Revoke all API tokens and the calendar feed/);
    const path = `/admin/users/${manager.user.id}/credentials/revoke`;
    const unconfirmed = await admin.agent
      .post(path)
      .type("form")
      .send({ _csrf: csrfFrom(page.text) });
    assert.equal(unconfirmed.status, 303);
    assert.match((await admin.agent.get(`/admin/users/${manager.user.id}`)).text, /Tick the box to confirm/);
    assert.equal((await api(tokens[0]!)).status, 200, "nothing revoked without the confirmation");

    const noCsrf = await admin.agent.post(path).type("form").send({ confirm: "yes" });
    assert.equal(noCsrf.status, 403);
    const byManager = await manager.agent
      .post(path)
      .type("form")
      .send({ _csrf: csrfFrom((await manager.agent.get("/account")).text), confirm: "yes" });
    assert.equal(byManager.status, 403);

    const done = await admin.agent
      .post(path)
      .type("form")
      .send({ _csrf: csrfFrom(page.text), confirm: "yes" });
    assert.equal(done.status, 303);
    assert.match((await admin.agent.get(`/admin/users/${manager.user.id}`)).text, /Revoked 2 API tokens and the calendar feed/);
    for (const token of tokens) assert.equal((await api(token)).status, 401);
    assert.equal((await supertest(t.app).get(feed)).status, 404);
    const rows = await t.db.prisma.apiToken.findMany({ where: { userId: manager.user.id } });
    assert.ok(rows.every((row) => row.revokedAt !== null));
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { id: manager.user.id } });
    assert.equal(user.calendarTokenHash, null);
    const entries = await t.db.prisma.auditEntry.findMany({ where: { action: "user.credentials_revoked" } });
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.entityId, manager.user.id);
    assert.equal(entries[0]?.actorId, admin.user.id);
    assert.deepEqual(JSON.parse(entries[0]?.after ?? "{}"), { apiTokensRevoked: 2, calendarFeedRevoked: true });
  });

  it("a password reset through its link lifts the account's sign-in locks", async () => {
    const viewer = await signedIn(t, "viewer");
    const stranger = agentFor(t);
    for (let i = 0; i < t.deps.config.LOGIN_MAX_FAILURES; i++) {
      await stranger.post("/login", { email: viewer.user.email, password: "wrong guess number x" });
    }
    const locked = await agentFor(t).post("/login", { email: viewer.user.email, password: TEST_PASSWORD });
    assert.notEqual(locked.status, 303, "the account is locked after the failures");
    await resetPassword(t, viewer.user.email, "the owner's new passphrase");
    const after = await agentFor(t).post("/login", { email: viewer.user.email, password: "the owner's new passphrase" });
    assert.equal(after.status, 303, after.text.slice(0, 300));
  });
});
