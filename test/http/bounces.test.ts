import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { newId } from "../../src/lib/ids.js";
import { projectRoot } from "../../src/lib/paths.js";
import { verifyAuditChain } from "../../src/modules/audit/audit.service.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

const SECRET = "a-long-shared-secret-for-bounces";
const dsnFixture = (name: string) => readFileSync(join(projectRoot, "test", "fixtures", "dsn", name));

/**
 * Bounce and complaint reports: the webhook with its shared secret, and bounce messages (RFC
 * 3464) uploaded by a manager. Deliveries are written straight to the table, as a campaign's
 * fan-out leaves them once sent.
 */
describe("bounce and complaint reports", () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;
  let incident: Incident;

  before(async () => {
    t = await createTestApp({ BOUNCE_WEBHOOK_SECRET: SECRET });
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
    incident = await addIncident(t, { title: "Linux Australia conference server breach" });
  });
  after(() => t.close());

  async function addSentDelivery(email: string, messageId = `<delivery.${newId()}@breachdesk.example.org>`) {
    const at = new Date("2026-03-02T08:00:00Z");
    return t.db.prisma.delivery.create({
      data: {
        id: newId(),
        campaignId: "campaign-1",
        incidentId: incident.id,
        personId: newId(),
        email,
        emailNormalized: email.toLowerCase(),
        fullName: "Test Person",
        status: "sent",
        messageId,
        queuedAt: at,
        sentAt: at,
        updatedAt: at,
      },
    });
  }

  const hook = (body: unknown, secret: string | null = SECRET) => {
    const call = request(t.app).post("/hooks/bounces").set("content-type", "application/json");
    return (secret === null ? call : call.set("authorization", `Bearer ${secret}`)).send(JSON.stringify(body));
  };

  it("refuses reports without the secret, or with a wrong one, changing nothing", async () => {
    const delivery = await addSentDelivery("kept@example.org");
    const report = { reports: [{ type: "hard_bounce", email: "kept@example.org" }] };
    assert.equal((await hook(report, null)).status, 401);
    const wrong = await hook(report, "not-the-secret-at-all");
    assert.equal(wrong.status, 401);
    assert.match(wrong.body.error, /Authorization: Bearer/);
    assert.equal((await t.db.prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).status, "sent");
    assert.equal(await t.db.prisma.deliveryEvent.count(), 0);
  });

  it("refuses a malformed body, naming each problem", async () => {
    const res = await hook({ reports: [{ type: "bounced", email: "not an address" }, { type: "complaint" }] });
    assert.equal(res.status, 400);
    assert.ok(res.body.problems.some((p: string) => p.startsWith("reports.0.type: must be one of hard_bounce")));
    assert.ok(res.body.problems.includes("reports.0.email: must be an e-mail address"));
    assert.ok(res.body.problems.some((p: string) => p.includes("needs email, messageId or deliveryId")));
    const notJson = await request(t.app)
      .post("/hooks/bounces")
      .set("authorization", `Bearer ${SECRET}`)
      .set("content-type", "application/json")
      .send("{not json");
    assert.equal(notJson.status, 400);
  });

  it("marks a hard bounce by Message-ID, remembers the address, and records complaints without changing the delivery", async () => {
    const bounced = await addSentDelivery("Zoe@Example.net", "<delivery.abc123@breachdesk.example.org>");
    const complained = await addSentDelivery("jose@example.com");
    const res = await hook({
      reports: [
        { type: "hard_bounce", messageId: "delivery.abc123@breachdesk.example.org", detail: "550 5.1.1 User unknown" },
        { type: "complaint", messageId: complained.messageId, email: "JOSE@example.com", detail: "abuse report" },
        { type: "soft_bounce", email: "nobody-we-wrote-to@example.org" },
      ],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { received: 3, matched: 2, bounced: 1, unmatched: 1 });
    const after = await t.db.prisma.delivery.findUniqueOrThrow({ where: { id: bounced.id } });
    assert.equal(after.status, "bounced");
    assert.match(after.exclusionReason, /550 5\.1\.1 User unknown/);
    assert.equal((await t.db.prisma.delivery.findUniqueOrThrow({ where: { id: complained.id } })).status, "sent");
    const address = await t.db.prisma.bouncedAddress.findUniqueOrThrow({
      where: { incidentId_emailNormalized: { incidentId: incident.id, emailNormalized: "zoe@example.net" } },
    });
    assert.equal(address.deliveryId, bounced.id);
    const events = await t.db.prisma.deliveryEvent.findMany({ orderBy: { kind: "asc" } });
    assert.deepEqual(
      events.map((e) => [e.kind, e.source, e.deliveryId, e.incidentId, e.messageId]),
      [
        ["bounce_hard", "webhook", bounced.id, incident.id, "delivery.abc123@breachdesk.example.org"],
        ["bounce_soft", "webhook", null, null, null],
        ["complaint", "webhook", complained.id, incident.id, complained.messageId],
      ],
    );
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "delivery.reports" },
      orderBy: { seq: "desc" },
    });
    assert.equal(audit.incidentId, incident.id);
    assert.deepEqual(JSON.parse(audit.after ?? "{}"), {
      source: "webhook",
      reports: 2,
      bounced: 1,
      kinds: { bounce_hard: 1, complaint: 1 },
    });
    assert.equal((await verifyAuditChain(t.db)).break, null);
    // The same report again changes nothing more: the delivery is bounced already.
    assert.equal((await hook({ reports: [{ type: "hard_bounce", deliveryId: bounced.id }] })).body.bounced, 0);
  });

  it("ignores a forged bounce that names only the victim's address: no delivery changes, nobody is suppressed, it waits for review", async () => {
    const victim = await addSentDelivery("victim@example.org");
    const res = await hook({
      reports: [
        { type: "hard_bounce", email: "victim@example.org", detail: "550 5.1.1 forged" },
        { type: "hard_bounce", email: "victim@example.org", messageId: "<forged@attacker.example>", detail: "550 forged too" },
        { type: "hard_bounce", email: "victim@example.org", messageId: "delivery.guessed@breachdesk.example.org" },
        { type: "hard_bounce", email: "victim@example.org", deliveryId: "no-such-delivery" },
      ],
    });
    assert.deepEqual(res.body, { received: 4, matched: 0, bounced: 0, unmatched: 4 });
    // The same through an uploaded bounce message that lacks our Message-ID.
    const forgedDsn = dsnFixture("postfix-user-unknown.eml")
      .toString("utf8")
      .replace(/^Message-ID: <delivery\.[^>]+>\r?\n/m, "")
      .replaceAll("zoe.muller@example.net", "victim@example.org")
      .replaceAll("Zoe.Muller@example.net", "victim@example.org");
    const page = await manager.agent.get("/bounces");
    const upload = await manager.agent
      .post("/bounces/dsn")
      .field("_csrf", csrfFrom(page.text))
      .attach("file", Buffer.from(forgedDsn), "forged.eml");
    assert.equal(upload.status, 303);

    assert.equal((await t.db.prisma.delivery.findUniqueOrThrow({ where: { id: victim.id } })).status, "sent");
    assert.equal(await t.db.prisma.bouncedAddress.count({ where: { emailNormalized: "victim@example.org" } }), 0);
    const kept = await t.db.prisma.deliveryEvent.findMany({ where: { email: "victim@example.org" } });
    assert.equal(kept.length, 5);
    assert.ok(kept.every((e) => e.deliveryId === null && e.incidentId === null && e.reviewedAt === null));
    assert.deepEqual(kept.map((e) => e.messageId).sort(), [
      "<forged@attacker.example>",
      "delivery.guessed@breachdesk.example.org",
      null,
      null,
      null,
    ]);

    const listed = await manager.agent.get("/bounces");
    assert.match(listed.text, /forged\.eml: 1 report recorded, 0 notices marked bounced\. 1 named no notice of ours/);
    const toReview = listed.text.slice(listed.text.indexOf("Unmatched reports to review"), listed.text.indexOf("Latest reports"));
    assert.match(toReview, /550 5\.1\.1 forged/);
    assert.match(toReview, /&lt;forged@attacker\.example&gt;/);
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "delivery.reports_unmatched" },
      orderBy: { seq: "desc" },
    });
    assert.deepEqual(JSON.parse(audit.after ?? "{}"), { source: "dsn_upload", reports: 1 });
  });

  it("lets a manager mark an unmatched report reviewed, with a note, audited; a viewer may not", async () => {
    await hook({ reports: [{ type: "hard_bounce", email: "someone@example.org", detail: "550 review me" }] });
    const event = await t.db.prisma.deliveryEvent.findFirstOrThrow({ where: { detail: "550 review me" } });
    const viewerPage = await viewer.agent.get("/bounces");
    assert.doesNotMatch(viewerPage.text, /Mark reviewed/);
    const refused = await viewer.agent
      .post(`/bounces/reports/${event.id}/review`)
      .type("form")
      .send({ _csrf: csrfFrom(viewerPage.text), note: "x" });
    assert.equal(refused.status, 403);
    const noToken = await manager.agent.post(`/bounces/reports/${event.id}/review`).type("form").send({ note: "x" });
    assert.equal(noToken.status, 403);

    const page = await manager.agent.get("/bounces");
    assert.match(page.text, new RegExp(`/bounces/reports/${event.id}/review`));
    const res = await manager.agent
      .post(`/bounces/reports/${event.id}/review`)
      .type("form")
      .send({ _csrf: csrfFrom(page.text), note: "Not one of our notices: a test by the mail team" });
    assert.equal(res.status, 303);
    const reviewed = await t.db.prisma.deliveryEvent.findUniqueOrThrow({ where: { id: event.id } });
    assert.equal(reviewed.reviewedBy, manager.user.email);
    assert.equal(reviewed.reviewNote, "Not one of our notices: a test by the mail team");
    assert.equal(reviewed.reviewedAt?.toISOString(), t.clock.now().toISOString());
    const after = await manager.agent.get("/bounces");
    assert.doesNotMatch(after.text, new RegExp(`/bounces/reports/${event.id}/review`));
    assert.match(after.text, /reviewed by [^<]+ on <time[^>]*>[^<]+<\/time>: Not one of our notices/);
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "delivery_event.review", entityId: event.id },
    });
    assert.equal(entry.actorLabel, manager.user.email);
    assert.deepEqual(JSON.parse(entry.after ?? "{}"), {
      reviewedAt: t.clock.now().toISOString(),
      note: "Not one of our notices: a test by the mail team",
    });
    // Once only; a matched report has nothing to review.
    const again = await manager.agent
      .post(`/bounces/reports/${event.id}/review`)
      .type("form")
      .send({ _csrf: csrfFrom(after.text) });
    assert.equal(again.status, 409);
    assert.equal((await verifyAuditChain(t.db)).break, null);
  });

  it("records an uploaded bounce message for a manager, and explains a file that is not one", async () => {
    const delivery = await addSentDelivery("zoe.muller@example.net", "<delivery.0f6c2a8e1b3d4c5e@breachdesk.example.org>");
    const page = await manager.agent.get("/bounces");
    assert.equal(page.status, 200);
    const upload = (bytes: Buffer, name: string) =>
      manager.agent.post("/bounces/dsn").field("_csrf", csrfFrom(page.text)).attach("file", bytes, name);
    const res = await upload(dsnFixture("postfix-user-unknown.eml"), "bounce.eml");
    assert.equal(res.status, 303);
    const listed = await manager.agent.get("/bounces");
    assert.match(listed.text, /bounce\.eml: 1 report recorded, 1 notice marked bounced\./);
    assert.match(listed.text, /550 5\.1\.1 &lt;zoe\.muller@example\.net&gt;: Recipient address rejected/);
    assert.equal((await t.db.prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).status, "bounced");

    const refused = await upload(Buffer.from("Subject: Out of office\n\nAway.\n"), "away.eml");
    assert.equal(refused.status, 400);
    assert.match(refused.text, /not a delivery status notification \(RFC 3464\)/);
    const onlyText = await upload(dsnFixture("report-without-status-part.eml"), "transcript.eml");
    assert.equal(onlyText.status, 400);
    assert.match(onlyText.text, /it has no message\/delivery-status part/);

    // A boundary given as an RFC 2231 parameter in pieces, encoded words, a quoted-printable report.
    const elodie = await addSentDelivery("elodie.fournier@example.fr", "<delivery.5e5e@breachdesk.example.org>");
    assert.equal((await upload(dsnFixture("encoded-headers.eml"), "rapport.eml")).status, 303);
    assert.match((await manager.agent.get("/bounces")).text, /rapport\.eml: 1 report recorded, 1 notice marked bounced\./);
    assert.equal((await t.db.prisma.delivery.findUniqueOrThrow({ where: { id: elodie.id } })).status, "bounced");
  });

  it("shows the reports to a viewer, who may not upload", async () => {
    const page = await viewer.agent.get("/bounces");
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /Upload and record/);
    const res = await viewer.agent
      .post("/bounces/dsn")
      .field("_csrf", csrfFrom(page.text))
      .attach("file", dsnFixture("postfix-user-unknown.eml"), "bounce.eml");
    assert.equal(res.status, 403);
  });

  it("turns the webhook off when no secret is set", async () => {
    const off = await createTestApp();
    try {
      const res = await request(off.app)
        .post("/hooks/bounces")
        .set("authorization", `Bearer ${SECRET}`)
        .send({ reports: [{ type: "hard_bounce", email: "a@example.org" }] });
      assert.equal(res.status, 503);
      assert.match(res.body.error, /set BOUNCE_WEBHOOK_SECRET/);
    } finally {
      await off.close();
    }
  });
});
