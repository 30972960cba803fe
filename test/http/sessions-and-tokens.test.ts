import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { SessionData } from "express-session";
import supertest from "supertest";
import { DatabaseSessionStore } from "../../src/web/session.js";
import { addUser, agentFor, createTestApp, signedIn, TEST_PASSWORD, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

type User = Awaited<ReturnType<typeof addUser>>;

/** Signs a user in from a browser with this User-Agent and opens a first page, as a browser does after the redirect. */
async function signInAs(t: TestApp, user: User, userAgent: string) {
  const client = agentFor(t);
  client.agent.set("User-Agent", userAgent);
  const res = await client.post("/login", { email: user.email, password: TEST_PASSWORD });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  assert.equal((await client.agent.get("/account")).status, 200);
  return client;
}

/** The handle of the session whose row on the account page names this client. */
function handleOf(accountPage: string, client: string): string {
  const row = accountPage.split("<li>").find((r) => r.includes(client) && r.includes("/account/sessions/"));
  const handle = row?.match(/\/account\/sessions\/([\w-]+)\/end/)?.[1];
  assert.ok(handle, `no session of ${client} on the account page`);
  return handle;
}

async function mailsTo(t: TestApp, email: string, subject: string) {
  return t.db.prisma.caughtMail.findMany({ where: { to: email, subject } });
}

describe(`sessions and tokens a user can see and end (${testLane})`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it("lists two sign-ins with their clients, marks this one, and ending one signs that browser out", async () => {
    const user = await addUser(t, "viewer");
    const firefox = await signInAs(t, user, FIREFOX);
    const iphone = await signInAs(t, user, IPHONE);
    const page = (await firefox.agent.get("/account")).text;
    assert.match(page, /Firefox 133 on Linux/);
    assert.match(page, /Mobile Safari 17 on iOS 17/);
    assert.equal(page.match(/>this session</g)?.length, 1);
    assert.match(page.split("<li>").find((r) => r.includes(">this session<"))!, /Firefox/);

    const ended = await firefox.post(`/account/sessions/${handleOf(page, "Mobile Safari")}/end`, { confirm: "yes" }, "/account");
    assert.equal(ended.status, 303);
    const afterEnd = await iphone.agent.get("/account");
    assert.equal(afterEnd.status, 303, "the ended browser is asked to sign in");
    assert.match(afterEnd.headers.location ?? "", /^\/login/);
    assert.equal((await firefox.agent.get("/account")).status, 200, "the other browser is still signed in");

    // Ending this session is signing out.
    const self = await firefox.post(`/account/sessions/${handleOf(page, "Firefox")}/end`, { confirm: "yes" }, "/account");
    assert.equal(self.headers.location, "/login?signedOut=1");
    assert.equal((await firefox.agent.get("/account")).status, 303);
    const audit = await t.db.prisma.auditEntry.findMany({ where: { action: "session.end", entityId: user.id } });
    assert.equal(audit.length, 2);
  });

  it("a session ended while one of its requests was in flight is not saved back by that request", async () => {
    const user = await addUser(t, "viewer");
    await signInAs(t, user, FIREFOX);
    const row = await t.db.prisma.session.findFirstOrThrow({ where: { userId: user.id } });
    const data = JSON.parse(row.data) as SessionData;
    await t.db.prisma.session.delete({ where: { id: row.id } });
    const store = new DatabaseSessionStore(t.db, 3600_000, () => t.clock.now());
    await new Promise<void>((resolve, reject) => store.set(row.id, data, (error) => (error ? reject(error) : resolve())));
    assert.equal(await t.db.prisma.session.count({ where: { id: row.id } }), 0);
  });

  it("records last seen at most once a minute", async () => {
    const user = await addUser(t, "viewer");
    const client = await signInAs(t, user, FIREFOX);
    const row = () => t.db.prisma.session.findFirstOrThrow({ where: { userId: user.id } });
    const first = (await row()).lastSeenAt!;
    t.clock.advance(30_000);
    await client.agent.get("/");
    assert.equal((await row()).lastSeenAt!.getTime(), first.getTime(), "no write within the minute");
    t.clock.advance(31_000);
    await client.agent.get("/");
    assert.equal((await row()).lastSeenAt!.getTime(), t.clock.now().getTime());
  });

  it("an administrator ends every session and token of a user at once; the user is told", async () => {
    const user = await addUser(t, "manager");
    const one = await signInAs(t, user, FIREFOX);
    const two = await signInAs(t, user, IPHONE);
    const made = await one.post("/account/tokens", { name: "bridge", scope: "full" }, "/account/tokens");
    const secret = made.text.match(/value="(bd_[\w-]+)"/)?.[1];
    assert.ok(secret);
    const api = supertest(t.app);
    assert.equal((await api.get("/api/v1/incidents").set("Authorization", `Bearer ${secret}`)).status, 200);

    const admin = await signedIn(t, "admin");
    const page = await admin.agent.get(`/admin/users/${user.id}`);
    assert.match(page.text, /End all sessions and tokens/);
    const unconfirmed = await admin.post(`/admin/users/${user.id}/sign-out-everywhere`, {}, `/admin/users/${user.id}`);
    assert.equal(unconfirmed.status, 303);
    assert.equal((await one.agent.get("/account")).status, 200, "nothing ends without the confirmation");

    const done = await admin.post(`/admin/users/${user.id}/sign-out-everywhere`, { confirm: "yes" }, `/admin/users/${user.id}`);
    assert.equal(done.status, 303);
    assert.match((await admin.agent.get(`/admin/users/${user.id}`)).text, /Ended 2 sessions and revoked 1 API token/);
    assert.equal((await one.agent.get("/account")).status, 303);
    assert.equal((await two.agent.get("/account")).status, 303);
    assert.equal((await api.get("/api/v1/incidents").set("Authorization", `Bearer ${secret}`)).status, 401);
    assert.equal((await mailsTo(t, user.email, "You were signed out of Breachdesk everywhere")).length, 1);
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "user.signed_out_everywhere", entityId: user.id },
    });
    assert.match(audit.after ?? "", /"sessionsEnded":2/);
  });

  it("a read-only token reads and is refused a change with 403 naming its scope", async () => {
    const manager = await signedIn(t, "manager");
    const made = await manager.post("/account/tokens", { name: "reader", scope: "read_only" }, "/account/tokens");
    assert.equal(made.status, 201);
    const secret = made.text.match(/value="(bd_[\w-]+)"/)![1];
    const auth = { Authorization: `Bearer ${secret}` };
    const api = supertest(t.app);
    assert.equal((await api.get("/api/v1/incidents").set(auth)).status, 200);
    const refused = await api.post("/api/v1/incidents").set(auth).send({ title: "Read-only try" });
    assert.equal(refused.status, 403);
    assert.match(JSON.stringify(refused.body), /read_only scope/);
    assert.equal((await api.get("/api/v1/me/tokens").set(auth)).body.tokens[0].scope, "read_only");
  });

  it("a token with an expiry works until its last day ends, then is refused with 401 saying it expired", async () => {
    const manager = await signedIn(t, "manager");
    const past = await manager.post("/account/tokens", { name: "old", expiresOn: "2026-03-01" }, "/account/tokens");
    assert.equal(past.status, 400, past.text.slice(0, 200));
    assert.match(past.text, /expiry date has passed/);
    const made = await manager.post("/account/tokens", { name: "short", expiresOn: "2026-03-03" }, "/account/tokens");
    assert.equal(made.status, 201);
    const secret = made.text.match(/value="(bd_[\w-]+)"/)![1];
    const api = supertest(t.app);
    assert.equal((await api.get("/api/v1/incidents").set("Authorization", `Bearer ${secret}`)).status, 200);
    t.clock.set(new Date("2026-03-04T00:00:01Z"));
    const refused = await api.get("/api/v1/incidents").set("Authorization", `Bearer ${secret}`);
    assert.equal(refused.status, 401);
    assert.match(JSON.stringify(refused.body), /expired at 2026-03-03T23:59:59.999Z/);
  });

  it("with NOTIFY_NEW_CLIENT_SIGN_IN off, a new client is remembered but nobody is e-mailed", async () => {
    const user = await addUser(t, "viewer");
    await signInAs(t, user, FIREFOX);
    await signInAs(t, user, IPHONE);
    assert.equal(await t.db.prisma.signInClient.count({ where: { userId: user.id } }), 2);
    assert.equal((await mailsTo(t, user.email, "New sign-in to your Breachdesk account")).length, 0);
  });
});

describe(`the new-client e-mail, with NOTIFY_NEW_CLIENT_SIGN_IN on (${testLane})`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ NOTIFY_NEW_CLIENT_SIGN_IN: "true" });
  });
  after(() => t.close());

  it("e-mails a sign-in from a client not seen before, once, and not the first client ever", async () => {
    const user = await addUser(t, "viewer");
    await signInAs(t, user, FIREFOX);
    assert.equal(
      (await mailsTo(t, user.email, "New sign-in to your Breachdesk account")).length,
      0,
      "the first client is no news",
    );
    await signInAs(t, user, IPHONE);
    await signInAs(t, user, FIREFOX);
    await signInAs(t, user, IPHONE);
    const mails = await mailsTo(t, user.email, "New sign-in to your Breachdesk account");
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.text ?? "", /Mobile Safari 17 on iOS 17/);
    assert.equal(await t.db.prisma.auditEntry.count({ where: { action: "auth.new_client", entityId: user.id } }), 1);
  });
});
