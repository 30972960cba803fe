import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { INCIDENT_HEADER } from "../../src/mail/mailer.js";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { createIncident } from "../../src/modules/incidents/incidents.service.js";
import { sendDigest } from "../../src/modules/reminders/digest-send.job.js";
import { reminderRecipients } from "../../src/modules/reminders/index.js";
import type { User } from "../../src/modules/users/index.js";
import { addUser, agentFor, createTestApp, TEST_PASSWORD, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";
import { incidentInput } from "../helpers/incidents.js";
import { addAssessmentObligation } from "../helpers/reminders.js";

type Client = ReturnType<typeof agentFor> & { user: User };

/**
 * Need-to-know in every list (decision 0030): a restricted incident shows to its team and the
 * administrators, and nowhere to anyone else: the dashboard, the incident list and search, the
 * deadlines, the register (page, CSV, API), the API's list, reminders, the digest and the
 * calendar feed. Members are managed on the page and through the API, audited and on the timeline.
 */
describe(`need-to-know in the lists (${testLane})`, () => {
  let t: TestApp;
  let ref: string;
  let openRef: string;
  let incidentId: string;
  let lead: Client;
  let member: Client;
  let stranger: Client;
  let strangerViewer: Client;
  let admin: Client;
  const title = "Scholarship applicants' files exposed";

  async function signIn(role: "viewer" | "manager" | "admin"): Promise<Client> {
    const user = await addUser(t, role);
    await t.db.prisma.user.update({ where: { id: user.id }, data: { digestHour: 7 } });
    const client = agentFor(t);
    assert.equal((await client.post("/login", { email: user.email, password: TEST_PASSWORD })).status, 303);
    return { ...client, user };
  }

  before(async () => {
    t = await createTestApp({ INCIDENTS_DEFAULT_ACCESS: "restricted", PUBLIC_URL: "https://breachdesk.example.org" });
    [lead, member, stranger, strangerViewer, admin] = [
      await signIn("manager"),
      await signIn("manager"),
      await signIn("manager"),
      await signIn("viewer"),
      await signIn("admin"),
    ];
    // Nobody owns it, so every manager would be reminded of it were it not restricted.
    const incident = await createIncident(t.deps, incidentInput({ title }), {
      userId: lead.user.id,
      label: lead.user.email,
      ip: null,
    });
    ref = incident.reference;
    incidentId = incident.id;
    await addAssessmentObligation(t.db, incident.id);
    const open = await createIncident(t.deps, incidentInput({ title: "Open one" }), {
      userId: lead.user.id,
      label: "x",
      ip: null,
    });
    await t.db.prisma.incident.update({ where: { id: open.id }, data: { access: "open" } });
    openRef = open.reference;
  });
  after(() => t.close());

  it("makes the creator a lead; a lead adds a member on the page, audited and on the timeline", async () => {
    const team = await t.db.prisma.incidentMember.findMany({ where: { incidentId } });
    assert.deepEqual(
      team.map((m) => [m.userId, m.role]),
      [[lead.user.id, "lead"]],
    );
    const res = await lead.post(
      `/incidents/${ref}/members`,
      { email: member.user.email, role: "manager" },
      `/incidents/${ref}/evidence`,
    );
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/incidents/${ref}/evidence#team`);
    const page = await lead.agent.get(`/incidents/${ref}/evidence`);
    assert.match(page.text, new RegExp(`id="member-${member.user.id}"`));
    const audit = await t.db.prisma.auditEntry.findFirst({ where: { action: "incident.member_add", incidentId } });
    assert.ok(audit);
    const event = await t.db.prisma.timelineEvent.findFirst({
      where: { incidentId, description: { contains: "joined the incident's team" } },
    });
    assert.ok(event);
    const bad = await lead.post(
      `/incidents/${ref}/members`,
      { email: "nobody@example.org", role: "viewer" },
      `/incidents/${ref}/evidence`,
    );
    assert.equal(bad.status, 303);
    assert.match((await lead.agent.get(`/incidents/${ref}/evidence`)).text, /There is no active user with this address/);
  });

  it("shows the incident on the dashboard, the list, search and the deadlines to members and administrators only", async () => {
    for (const path of ["/", "/incidents", `/incidents?q=${encodeURIComponent("scholarship")}`, "/deadlines?"]) {
      for (const [who, client, sees] of [
        ["lead", lead, true],
        ["member", member, true],
        ["admin", admin, true],
        ["stranger manager", stranger, false],
        ["stranger viewer", strangerViewer, false],
      ] as const) {
        const res = await client.agent.get(path);
        assert.equal(res.status, 200, `${path} as ${who}`);
        assert.equal(res.text.includes(ref), sees, `${path} as ${who} ${sees ? "shows" : "hides"} ${ref}`);
        if (path === "/incidents") assert.ok(res.text.includes(openRef), `${path} as ${who} shows the open incident`);
      }
    }
  });

  it("leaves it out of the register's page, CSV and API, and of the API's incident list, for strangers", async () => {
    const http = supertest(t.app);
    for (const [client, sees] of [
      [member, true],
      [admin, true],
      [stranger, false],
      [strangerViewer, false],
    ] as const) {
      for (const path of ["/register", "/register.csv"]) {
        const res = await client.agent.get(path);
        assert.equal(res.status, 200);
        assert.equal(res.text.includes(ref), sees, `${path}`);
        assert.ok(res.text.includes(openRef));
      }
      const { token } = await createApiToken(t.deps, client.user.id, { name: "lists" }, { userId: null, label: "t", ip: null });
      for (const path of ["/api/v1/register", "/api/v1/incidents?status=all"]) {
        const res = await http.get(path).set("Authorization", `Bearer ${token}`);
        assert.equal(res.status, 200, path);
        assert.equal(res.text.includes(ref), sees, `${path} for ${client.user.role}`);
        assert.ok(res.text.includes(openRef), path);
      }
    }
  });

  it("with REGISTER_RESTRICTED=line, shows strangers its reference and status in the register, nothing else", async () => {
    (t.deps.config as { REGISTER_RESTRICTED: string }).REGISTER_RESTRICTED = "line";
    try {
      const page = await stranger.agent.get("/register");
      assert.equal(page.status, 200);
      assert.ok(page.text.includes(ref), "the reference is listed");
      assert.match(page.text, /Restricted incident/);
      assert.ok(!page.text.includes("Scholarship applicants"), "the title is withheld");
      assert.ok(!page.text.includes(`/incidents/${ref}`), "no link to it");
      const csv = await stranger.agent.get("/register.csv");
      const line = csv.text.split("\n").find((l) => l.startsWith(ref)) ?? "";
      assert.match(line, /^BD-\d{4}-\d{4},\(restricted: details withheld\),/);
      assert.ok(!csv.text.includes("Scholarship applicants"));
      const { token } = await createApiToken(t.deps, stranger.user.id, { name: "line" }, { userId: null, label: "t", ip: null });
      const api = await supertest(t.app).get("/api/v1/register").set("Authorization", `Bearer ${token}`);
      const entry = (api.body.incidents as { reference: string; withheld: boolean; title: string }[]).find(
        (e) => e.reference === ref,
      );
      assert.ok(entry, "the API lists it too");
      assert.equal(entry.withheld, true);
      assert.equal(entry.title, "");
      // The team still reads it whole.
      const memberPage = await member.agent.get("/register");
      assert.ok(memberPage.text.includes("Scholarship applicants"), "the team reads the title");
    } finally {
      (t.deps.config as { REGISTER_RESTRICTED: string }).REGISTER_RESTRICTED = "hide";
    }
  });

  it("reminds and digests only those who may read it, and leaves it out of a stranger's calendar", async () => {
    const incident = await t.db.prisma.incident.findUniqueOrThrow({ where: { id: incidentId } });
    const reminded = (await reminderRecipients(t.db, incident)).map((u) => u.id).sort();
    assert.deepEqual(reminded, [lead.user.id, member.user.id, admin.user.id].sort());

    const deps = { db: t.db, mailer: t.deps.mailer, config: t.deps.config, logger: t.deps.logger, now: t.clock.now() };
    for (const [client, sees] of [
      [member, true],
      [stranger, false],
    ] as const) {
      await sendDigest(deps, { userId: client.user.id, localDate: "2026-03-02" });
      const mail = await t.db.prisma.caughtMail.findFirst({ where: { to: client.user.email }, orderBy: { createdAt: "desc" } });
      assert.equal(Boolean(mail?.text?.includes(ref)), sees, `digest of ${client.user.email}`);

      const created = await client.post("/account/calendar", {}, "/account/reminders");
      const url = /https:\/\/breachdesk\.example\.org(\/calendar\/[A-Za-z0-9_-]{43}\.ics)/.exec(created.text)?.[1];
      assert.ok(url);
      const feed = await supertest(t.app).get(url);
      assert.equal(feed.status, 200);
      assert.equal(feed.text.includes(ref), sees, `calendar of ${client.user.email}`);
    }
  });

  it("hides from the mail catcher a message about the incident from those who may not read it", async () => {
    const sent = await t.deps.mailer.send({
      to: "someone@example.org",
      subject: "Reminder: assessment due (catcher check)",
      text: "Due soon",
      html: "<p>Due soon</p>",
      headers: { [INCIDENT_HEADER]: incidentId },
    });
    const caught = await t.db.prisma.caughtMail.findFirstOrThrow({ where: { messageId: sent.messageId } });
    for (const [who, client, sees] of [
      ["member", member, true],
      ["admin", admin, true],
      ["stranger manager", stranger, false],
    ] as const) {
      const list = await client.agent.get("/mail");
      assert.equal(list.status, 200);
      assert.equal(list.text.includes("(catcher check)"), sees, `/mail as ${who}`);
      assert.equal((await client.agent.get(`/mail/${caught.id}`)).status, sees ? 200 : 404, `/mail/:id as ${who}`);
    }
  });

  it("leaves a bounce of the incident's notices off the bounce reports page for those who may not read it", async () => {
    await t.db.prisma.deliveryEvent.create({
      data: {
        id: "bounce-of-restricted",
        deliveryId: "delivery-of-restricted",
        kind: "bounce_hard",
        source: "webhook",
        email: "applicant@example.org",
        detail: "550 5.1.1 no such mailbox (restricted check)",
        receivedAt: t.clock.now(),
        incidentId,
      },
    });
    for (const [who, client, sees] of [
      ["member", member, true],
      ["admin", admin, true],
      ["stranger manager", stranger, false],
    ] as const) {
      const page = await client.agent.get("/bounces");
      assert.equal(page.status, 200);
      assert.equal(page.text.includes("(restricted check)"), sees, `/bounces as ${who}`);
    }
  });

  it("manages the team and the access through the API: a stranger's token gets 404, the lead's changes it", async () => {
    const http = supertest(t.app);
    const tokenOf = async (user: User) =>
      (await createApiToken(t.deps, user.id, { name: "team" }, { userId: null, label: "t", ip: null })).token;
    const leadToken = await tokenOf(lead.user);
    const strangerToken = await tokenOf(stranger.user);
    assert.equal(
      (await http.get(`/api/v1/incidents/${ref}/members`).set("Authorization", `Bearer ${strangerToken}`)).status,
      404,
    );
    const added = await http
      .post(`/api/v1/incidents/${ref}/members`)
      .set("Authorization", `Bearer ${leadToken}`)
      .send({ email: strangerViewer.user.email, role: "viewer" });
    assert.equal(added.status, 200, added.text);
    assert.ok(
      added.body.members.some(
        (m: { userId: string; role: string }) => m.userId === strangerViewer.user.id && m.role === "viewer",
      ),
    );
    assert.equal((await strangerViewer.agent.get(`/incidents/${ref}`)).status, 200);
    const removed = await http
      .delete(`/api/v1/incidents/${ref}/members/${strangerViewer.user.id}`)
      .set("Authorization", `Bearer ${leadToken}`);
    assert.equal(removed.status, 204);
    assert.equal((await strangerViewer.agent.get(`/incidents/${ref}`)).status, 404);
    const lastLead = await http
      .delete(`/api/v1/incidents/${ref}/members/${lead.user.id}`)
      .set("Authorization", `Bearer ${leadToken}`);
    assert.equal(lastLead.status, 409);

    const opened = await http
      .post(`/api/v1/incidents/${ref}/access`)
      .set("Authorization", `Bearer ${leadToken}`)
      .send({ access: "open" });
    assert.equal(opened.status, 200);
    assert.equal(opened.body.access, "open");
    assert.equal((await stranger.agent.get(`/incidents/${ref}`)).status, 200);
    assert.ok(await t.db.prisma.auditEntry.findFirst({ where: { action: "incident.access", incidentId } }));
    const back = await lead.post(`/incidents/${ref}/access`, { access: "restricted" }, `/incidents/${ref}/evidence`);
    assert.equal(back.status, 303);
    assert.equal((await stranger.agent.get(`/incidents/${ref}`)).status, 404);
  });
});
