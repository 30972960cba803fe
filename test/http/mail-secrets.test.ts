import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SECRET_FOR_HEADER } from "../../src/mail/mailer.js";
import { routeTable } from "../../src/web/access.js";
import { agentFor, createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";

/**
 * The one-time token in the newest caught message to an address, read straight from the
 * database. A reset is mailed after the answer has gone, so this waits (up to 10 s) for it.
 */
async function tokenMailedTo(t: TestApp, email: string): Promise<{ mailId: string; token: string }> {
  const deadline = Date.now() + 10_000;
  let mail = await t.db.prisma.caughtMail.findFirst({ where: { to: email }, orderBy: { createdAt: "desc" } });
  while (!mail && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    mail = await t.db.prisma.caughtMail.findFirst({ where: { to: email }, orderBy: { createdAt: "desc" } });
  }
  assert.ok(mail, `nothing was mailed to ${email}`);
  const token = mail.text?.match(/\/password\/set\/([\w-]+)/)?.[1];
  assert.ok(token, `no link in: ${mail.text}`);
  return { mailId: mail.id, token };
}

type Client = Awaited<ReturnType<typeof signedIn>>;

/** Every page of the mail catcher a reader can open: the list (plain, searched, paged) and each message's pages. */
async function everyMailPage(t: TestApp, reader: Client, searches: string[]): Promise<{ path: string; text: string }[]> {
  const paths = ["/mail", "/mail?page=2", ...searches.map((q) => `/mail?q=${encodeURIComponent(q)}`)];
  for (const { id } of await t.db.prisma.caughtMail.findMany({ select: { id: true } })) {
    paths.push(`/mail/${id}`, `/mail/${id}/html`);
  }
  const pages = [];
  for (const path of paths) pages.push({ path, text: (await reader.agent.get(path)).text });
  return pages;
}

describe("mail catcher: messages carrying a secret", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it("a manager who asks a reset for the admin finds no link at /mail or on any page, and cannot take the account", async () => {
    const admin = await signedIn(t, "admin");
    const manager = await signedIn(t, "manager");
    await t.deps.mailer.send({ to: "dpo@example.org", subject: "An ordinary message", text: "Nothing secret." });

    const asked = await manager.post("/password/forgot", { email: admin.user.email }, "/password/forgot");
    assert.equal(asked.status, 200);
    const { mailId, token } = await tokenMailedTo(t, admin.user.email);

    const list = await manager.agent.get("/mail");
    assert.equal(list.status, 200);
    assert.match(list.text, /An ordinary message/, "the manager still reads ordinary mail");
    assert.ok(!list.text.includes(mailId), "the reset is not listed");
    assert.doesNotMatch(list.text, /Reset your Breachdesk password/);
    assert.match(list.text, /1 message\./, "the count leaves the reset out");
    for (const page of await everyMailPage(t, manager, ["reset", admin.user.email, "password"])) {
      assert.ok(!page.text.includes(token), `the token shows at ${page.path}`);
      assert.ok(!page.text.includes("/password/set/"), `a link shows at ${page.path}`);
    }
    assert.equal((await manager.agent.get(`/mail/${mailId}`)).status, 404);
    assert.equal((await manager.agent.get(`/mail/${mailId}/html`)).status, 404);

    // Anywhere: every page the manager may open, with the reset message's id where one is asked.
    for (const route of routeTable.filter((r) => r.method === "get" && r.access !== "admin")) {
      const path = route.path.replace(":id", mailId).replace(/:\w+/g, "no-such-record");
      const res = await manager.agent.get(path);
      assert.ok(!res.text.includes(token), `the token shows at ${path}`);
    }
    assert.equal(
      (await agentFor(t).agent.get(`/password/set/${token}`)).status,
      200,
      "the link itself still works for its owner",
    );
  });

  it("shows an administrator a manager's invitation and a viewer's reset, never another administrator's reset", async () => {
    const admin = await signedIn(t, "admin");
    const otherAdmin = await signedIn(t, "admin");
    const viewer = await signedIn(t, "viewer");
    const form = await admin.agent.get("/admin/users/new");
    await admin.agent
      .post("/admin/users")
      .type("form")
      .send({
        _csrf: csrfFrom(form.text),
        name: "Ivy Invited",
        email: "ivy@example.org",
        role: "manager",
        method: "invite",
      });
    const invitation = await tokenMailedTo(t, "ivy@example.org");
    await agentFor(t).post("/password/forgot", { email: viewer.user.email }, "/password/forgot");
    const viewerReset = await tokenMailedTo(t, viewer.user.email);
    await agentFor(t).post("/password/forgot", { email: otherAdmin.user.email }, "/password/forgot");
    const adminReset = await tokenMailedTo(t, otherAdmin.user.email);

    const invitationPage = await admin.agent.get(`/mail/${invitation.mailId}`);
    assert.equal(invitationPage.status, 200);
    assert.ok(invitationPage.text.includes(invitation.token), "the admin can pass the invitation on by hand");
    assert.ok((await admin.agent.get(`/mail/${viewerReset.mailId}/html`)).text.includes(viewerReset.token));

    for (const page of await everyMailPage(t, admin, ["reset", otherAdmin.user.email])) {
      assert.ok(!page.text.includes(adminReset.token), `another admin's token shows at ${page.path}`);
    }
    assert.equal((await admin.agent.get(`/mail/${adminReset.mailId}`)).status, 404);
    const own = await otherAdmin.agent.get(`/mail/${adminReset.mailId}`);
    assert.equal(own.status, 200, "the addressee reads their own reset");
    assert.ok(own.text.includes(adminReset.token));

    // Promoted after the message was sent: the role read now decides.
    await t.db.prisma.user.update({ where: { id: viewer.user.id }, data: { role: "admin" } });
    assert.equal((await admin.agent.get(`/mail/${viewerReset.mailId}`)).status, 404);
  });

  it("treats a reset or invitation kept before the mark existed as a secret for its recipient", async () => {
    const admin = await signedIn(t, "admin");
    const otherAdmin = await signedIn(t, "admin");
    const manager = await signedIn(t, "manager");
    const legacy = async (to: string, subject: string) => {
      const row = await t.db.prisma.caughtMail.create({
        data: {
          id: `legacy-${Math.random().toString(36).slice(2)}`,
          messageId: "<legacy@breachdesk>",
          from: "breachdesk@localhost",
          to,
          subject,
          text: "http://localhost:3000/password/set/legacy-token",
          headers: JSON.stringify({ Subject: subject, To: to }),
          createdAt: t.clock.now(),
        },
      });
      return row.id;
    };
    const adminReset = await legacy(otherAdmin.user.email, "Reset your Breachdesk password");
    const invitation = await legacy("newcomer@example.org", "You are invited to Breachdesk");
    for (const id of [adminReset, invitation]) assert.equal((await manager.agent.get(`/mail/${id}`)).status, 404);
    assert.ok(!(await manager.agent.get("/mail")).text.includes("legacy-"));
    assert.equal((await admin.agent.get(`/mail/${adminReset}`)).status, 404);
    assert.equal((await admin.agent.get(`/mail/${invitation}`)).status, 200);
    assert.equal((await otherAdmin.agent.get(`/mail/${adminReset}`)).status, 200);
  });

  it("keeps the mark only from our own code: a caller's header of that name is dropped", async () => {
    const manager = await signedIn(t, "manager");
    const sent = await t.deps.mailer.send({
      to: "someone@example.org",
      subject: "Forged mark",
      text: "Hello",
      headers: { [SECRET_FOR_HEADER]: manager.user.id, "x-breachdesk-secret-for": "anyone" },
    });
    const row = await t.db.prisma.caughtMail.findFirstOrThrow({ where: { messageId: sent.messageId } });
    assert.ok(!row.headers.toLowerCase().includes("secret-for"), row.headers);
    const marked = await t.deps.mailer.send({ to: "x@example.org", subject: "Marked", text: "s", secretFor: "user-1" });
    const markedRow = await t.db.prisma.caughtMail.findFirstOrThrow({ where: { messageId: marked.messageId } });
    assert.equal(JSON.parse(markedRow.headers)[SECRET_FOR_HEADER], "user-1");
    assert.equal((await manager.agent.get(`/mail/${markedRow.id}`)).status, 404);
    assert.equal((await manager.agent.get(`/mail/${row.id}`)).status, 200);
  });
});
