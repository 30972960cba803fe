import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { serverZone } from "../../src/modules/users/users.service.js";
import { addUser, agentFor, createTestApp, csrfFrom, signedIn, TEST_PASSWORD, type TestApp } from "../helpers/app.js";

/**
 * The one-time link in the newest caught message to an address. A reset link is mailed just
 * after the answer to its request, so this waits for the message (up to 10 s).
 */
async function linkMailedTo(t: TestApp, email: string): Promise<string> {
  const find = () => t.db.prisma.caughtMail.findFirst({ where: { to: email }, orderBy: { createdAt: "desc" } });
  const giveUpAt = Date.now() + 10_000;
  let mail = await find();
  while (!mail && Date.now() < giveUpAt) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    mail = await find();
  }
  assert.ok(mail, `no message to ${email}`);
  const match = mail.text?.match(/http:\/\/localhost:\d+(\/password\/set\/[\w-]+)/);
  assert.ok(match?.[1], `no link in: ${mail.text}`);
  return match[1];
}

describe("managing users", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  async function createViaForm(admin: Awaited<ReturnType<typeof signedIn>>, form: Record<string, string>) {
    const page = await admin.agent.get("/admin/users/new");
    return admin.agent
      .post("/admin/users")
      .type("form")
      .send({ _csrf: csrfFrom(page.text), ...form });
  }

  it("invites a user by e-mail; the link sets a password once and signs them in", async () => {
    const admin = await signedIn(t, "admin");
    const res = await createViaForm(admin, { name: "Mia Manager", email: "mia@example.org", role: "manager", method: "invite" });
    assert.equal(res.status, 303);
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { email: "mia@example.org" } });
    assert.equal(user.status, "invited");
    assert.equal(user.passwordHash, null);

    const mail = await t.db.prisma.caughtMail.findFirstOrThrow({ where: { to: "mia@example.org" } });
    assert.equal(mail.subject, "You are invited to Breachdesk");
    const link = await linkMailedTo(t, "mia@example.org");
    const token = link.split("/").pop() ?? "";
    const stored = await t.db.prisma.userToken.findFirstOrThrow({ where: { userId: user.id } });
    assert.notEqual(stored.tokenHash, token, "only a hash of the token is stored");

    const mia = agentFor(t);
    const page = await mia.agent.get(link);
    assert.equal(page.status, 200);
    assert.match(page.text, /mia@example\.org/);
    const short = await mia.agent
      .post(link)
      .type("form")
      .send({ _csrf: csrfFrom(page.text), password: "short", confirm: "short" });
    assert.equal(short.status, 400);
    assert.match(short.text, /Use at least 12 characters/);
    const done = await mia.agent
      .post(link)
      .type("form")
      .send({ _csrf: csrfFrom(page.text), password: TEST_PASSWORD, confirm: TEST_PASSWORD });
    assert.equal(done.status, 303);
    assert.equal((await mia.agent.get("/")).status, 200);
    assert.equal((await t.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).status, "active");

    assert.equal((await supertest(t.app).get(link)).status, 404, "a used link is dead");
  });

  it("creates a user with a password, refuses a taken address, and keeps the form", async () => {
    const admin = await signedIn(t, "admin");
    const ok = await createViaForm(admin, {
      name: "Val Viewer",
      email: "val@example.org",
      role: "viewer",
      method: "password",
      password: TEST_PASSWORD,
    });
    assert.equal(ok.status, 303);
    const taken = await createViaForm(admin, {
      name: "Val Again",
      email: "VAL@example.org",
      role: "viewer",
      method: "password",
      password: TEST_PASSWORD,
    });
    assert.equal(taken.status, 409);
    assert.match(taken.text, /This address is taken/);
    assert.match(taken.text, /value="Val Again"/);
    assert.equal(await t.db.prisma.user.count({ where: { email: "val@example.org" } }), 1);
  });

  it("resets a forgotten password by e-mail, ending the user's other sessions, without telling who has an account", async () => {
    const viewer = await signedIn(t, "viewer");
    const unknown = await agentFor(t).post("/password/forgot", { email: "nobody@example.org" });
    const known = await agentFor(t).post("/password/forgot", { email: viewer.user.email });
    assert.equal(unknown.status, 200);
    assert.equal(known.status, 200);
    assert.equal(
      unknown.text.replace(/value="[^"]*"/g, ""),
      known.text.replace(/value="[^"]*"/g, ""),
      "the answer is the same for a known and an unknown address",
    );
    assert.equal(await t.db.prisma.caughtMail.count({ where: { to: "nobody@example.org" } }), 0);
    const link = await linkMailedTo(t, viewer.user.email);
    const other = agentFor(t);
    const page = await other.agent.get(link);
    const newPassword = "an entirely new passphrase";
    await other.agent
      .post(link)
      .type("form")
      .send({ _csrf: csrfFrom(page.text), password: newPassword, confirm: newPassword });
    assert.equal((await viewer.agent.get("/")).status, 303, "the old session has ended");
    assert.equal((await agentFor(t).post("/login", { email: viewer.user.email, password: TEST_PASSWORD })).status, 401);
    assert.equal((await agentFor(t).post("/login", { email: viewer.user.email, password: newPassword })).status, 303);
  });

  it("a reset link expires after an hour", async () => {
    const viewer = await signedIn(t, "viewer");
    await agentFor(t).post("/password/forgot", { email: viewer.user.email });
    const link = await linkMailedTo(t, viewer.user.email);
    t.clock.advance(61 * 60_000);
    assert.equal((await supertest(t.app).get(link)).status, 404);
  });

  it("changes a role and deactivates a user, whose session ends at once; all audited with before and after", async () => {
    const admin = await signedIn(t, "admin");
    const target = await signedIn(t, "viewer");
    const page = await admin.agent.get(`/admin/users/${target.user.id}`);
    const token = csrfFrom(page.text);
    await admin.agent.post(`/admin/users/${target.user.id}/role`).type("form").send({ _csrf: token, role: "manager" });
    assert.equal((await t.db.prisma.user.findUniqueOrThrow({ where: { id: target.user.id } })).role, "manager");

    const unconfirmed = await admin.agent.post(`/admin/users/${target.user.id}/deactivate`).type("form").send({ _csrf: token });
    assert.equal(unconfirmed.status, 303);
    assert.equal((await t.db.prisma.user.findUniqueOrThrow({ where: { id: target.user.id } })).status, "active");
    assert.match((await admin.agent.get(`/admin/users/${target.user.id}`)).text, /Tick the box to confirm/);

    await admin.agent.post(`/admin/users/${target.user.id}/deactivate`).type("form").send({ _csrf: token, confirm: "yes" });
    assert.equal((await t.db.prisma.user.findUniqueOrThrow({ where: { id: target.user.id } })).status, "deactivated");
    assert.equal((await target.agent.get("/")).status, 303, "their session has ended");

    const entries = await t.db.prisma.auditEntry.findMany({ where: { entityId: target.user.id }, orderBy: { seq: "asc" } });
    const roleChange = entries.find((e) => e.action === "user.role_change");
    assert.deepEqual(JSON.parse(roleChange?.before ?? "{}"), { role: "viewer" });
    assert.deepEqual(JSON.parse(roleChange?.after ?? "{}"), { role: "manager" });
    assert.equal(roleChange?.actorId, admin.user.id);
    assert.ok(entries.some((e) => e.action === "user.deactivate"));
    assert.ok(
      entries.every((e) => !(e.after ?? "").includes("argon2")),
      "no password hash in the log",
    );
  });

  it("never leaves the instance without an active administrator, and refuses self-deactivation", async () => {
    const t2 = await createTestApp();
    try {
      const admin = await signedIn(t2, "admin");
      const token = csrfFrom((await admin.agent.get(`/admin/users/${admin.user.id}`)).text);
      await admin.agent.post(`/admin/users/${admin.user.id}/role`).type("form").send({ _csrf: token, role: "viewer" });
      assert.equal((await t2.db.prisma.user.findUniqueOrThrow({ where: { id: admin.user.id } })).role, "admin");
      assert.match((await admin.agent.get(`/admin/users/${admin.user.id}`)).text, /last active administrator/);
      await admin.agent.post(`/admin/users/${admin.user.id}/deactivate`).type("form").send({ _csrf: token, confirm: "yes" });
      assert.equal((await t2.db.prisma.user.findUniqueOrThrow({ where: { id: admin.user.id } })).status, "active");
    } finally {
      await t2.close();
    }
  });

  it("starts a new user in the inviting administrator's time zone, which the form offers and names", async () => {
    const admin = await signedIn(t, "admin");
    await t.db.prisma.user.update({ where: { id: admin.user.id }, data: { timeZone: "Australia/Sydney" } });
    const page = await admin.agent.get("/admin/users/new");
    assert.match(page.text, /<option selected>Australia\/Sydney<\/option>/, "the inviter's zone is chosen");
    assert.match(page.text, /It starts as yours \(Australia\/Sydney\)/);

    // Without a zone (a form that sends none, the API, the command line): the inviter's.
    const plain = await createViaForm(admin, {
      name: "Zed Zone",
      email: "zed@example.org",
      role: "viewer",
      method: "password",
      password: TEST_PASSWORD,
    });
    assert.equal(plain.status, 303);
    assert.equal(
      (await t.db.prisma.user.findUniqueOrThrow({ where: { email: "zed@example.org" } })).timeZone,
      "Australia/Sydney",
    );

    const chosen = await createViaForm(admin, {
      name: "Dub Lin",
      email: "dub@example.org",
      role: "viewer",
      method: "invite",
      timeZone: "Europe/Dublin",
    });
    assert.equal(chosen.status, 303);
    const dub = await t.db.prisma.user.findUniqueOrThrow({ where: { email: "dub@example.org" } });
    assert.equal(dub.timeZone, "Europe/Dublin");
    const shown = await admin.agent.get(`/admin/users/${dub.id}`);
    assert.match(shown.text, /<dt>Time zone<\/dt><dd>Europe\/Dublin<\/dd>/);
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "user.create", entityId: dub.id } });
    assert.equal(JSON.parse(audit.after ?? "{}").timeZone, "Europe/Dublin");

    const bad = await createViaForm(admin, {
      name: "No Where",
      email: "nowhere@example.org",
      role: "viewer",
      method: "invite",
      timeZone: "Mars/Olympus",
    });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Choose a time zone from the list, e\.g\. Australia\/Sydney\./);
    assert.match(bad.text, /value="No Where"/, "the form keeps what was typed");
  });

  it("starts a user made without an inviter (the command line) in the zone of the administrator who set the instance up", async () => {
    const t2 = await createTestApp();
    try {
      const first = await addUser(t2, "admin");
      assert.equal(first.timeZone, serverZone(), "the first administrator starts in the server's zone");
      await t2.db.prisma.user.update({ where: { id: first.id }, data: { timeZone: "Asia/Tokyo" } });
      const later = await addUser(t2, "viewer");
      assert.equal(later.timeZone, "Asia/Tokyo");
    } finally {
      await t2.close();
    }
  });

  it("re-renders the new-user form with a message per bad field", async () => {
    const admin = await signedIn(t, "admin");
    const res = await createViaForm(admin, { name: "", email: "nope", role: "owner", method: "password", password: "" });
    assert.equal(res.status, 400);
    for (const text of [
      "Enter a name.",
      "Enter an e-mail address like name@example.org.",
      "Choose admin, manager or viewer.",
      "Use at least 12 characters.",
    ]) {
      assert.ok(res.text.includes(text), text);
    }
  });
});
