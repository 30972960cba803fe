import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { verifyAuditChain } from "../../src/modules/audit/audit.service.js";
import { createCampaign, sendCampaignNow } from "../../src/modules/campaigns/campaigns.service.js";
import { noticeRendering } from "../../src/modules/campaigns/notice-rendering.service.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addNoticeTemplate, addPeople, campaignInput, testManager } from "../helpers/campaigns.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

const SECRET = "a-long-shared-secret-for-bounces";
const SHARED = "shared@example.org";

/**
 * Suppression per incident: a hard bounce of one incident's notice keeps that incident's later
 * campaigns from the address and no other's; the people-to-tell-another-way list says why each
 * person is there; a manager lifts a suppression (confirmed, audited) and the person is e-mailed
 * again. Deliveries are marked sent straight in the table, as the sender leaves them.
 */
describe("suppressed addresses, per incident", () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;
  const deps = () => ({ ...t.deps, rendering: noticeRendering });

  before(async () => {
    t = await createTestApp({ BOUNCE_WEBHOOK_SECRET: SECRET });
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
  });
  after(() => t.close());

  /** An incident whose person 0 has the shared address, person 1 none, person 2 their own. */
  async function incidentWithPeople() {
    const incident = await addIncident(t);
    const template = await addNoticeTemplate(t.db, incident.id);
    await addPeople(t.db, incident.id, 3, (i) => ({ email: i === 0 ? SHARED : i === 1 ? null : undefined }));
    return { incident, templateId: template.templateId };
  }

  async function startCampaign(incident: Incident, templateId: string, fields: Parameters<typeof campaignInput>[1] = {}) {
    const { campaign } = await createCampaign(deps(), incident.reference, campaignInput(templateId, fields), testManager);
    await sendCampaignNow(deps(), incident.reference, campaign.id, testManager);
    return t.db.prisma.delivery.findMany({ where: { campaignId: campaign.id }, orderBy: { email: "asc" } });
  }

  const hook = (body: unknown) =>
    request(t.app)
      .post("/hooks/bounces")
      .set("authorization", `Bearer ${SECRET}`)
      .send(body as object);
  const statusOf = (rows: { email: string | null; status: string; exclusionReason: string }[], email: string | null) =>
    rows.filter((r) => r.email === email).map((r) => [r.status, r.exclusionReason]);

  it("suppresses the address in the bounced notice's incident only, says why on the list, and lifting it (audited) restores the person", async () => {
    const a = await incidentWithPeople();
    const b = await incidentWithPeople();
    const first = await startCampaign(a.incident, a.templateId);
    const sentAt = t.clock.now();
    await t.db.prisma.delivery.updateMany({
      where: { id: { in: first.map((d) => d.id) }, status: "queued" },
      data: { status: "sent", sentAt },
    });
    const shared = first.find((d) => d.email === SHARED)!;
    const other = first.find((d) => d.email === "person2@example.org")!;
    await t.db.prisma.delivery.update({
      where: { id: other.id },
      data: { status: "failed", smtpCode: 552, smtpResponse: "5.2.2 mailbox full", failedAt: sentAt },
    });

    // A real bounce, naming our Message-ID, in incident A.
    t.clock.advance(60_000);
    const res = await hook({ reports: [{ type: "hard_bounce", messageId: shared.messageId, detail: "550 5.1.1 User unknown" }] });
    assert.deepEqual(res.body, { received: 1, matched: 1, bounced: 1, unmatched: 0 });
    const suppressions = await t.db.prisma.bouncedAddress.findMany();
    assert.deepEqual(
      suppressions.map((s) => [s.incidentId, s.emailNormalized, s.reason, s.deliveryId]),
      [[a.incident.id, SHARED, "550 5.1.1 User unknown", shared.id]],
    );

    // Incident B's campaign still e-mails the address; incident A's next one does not.
    assert.deepEqual(statusOf(await startCampaign(b.incident, b.templateId), SHARED), [["queued", ""]]);
    const retry = await startCampaign(a.incident, a.templateId, { name: "Failed before", failedBefore: true });
    assert.deepEqual(statusOf(retry, SHARED), [["excluded", "bounced_address"]]);
    assert.deepEqual(statusOf(retry, "person2@example.org"), [["queued", ""]]);

    // The list says why each person is there, in the incident's zone; only a manager is offered the
    // lift. person2, whose notice failed, is queued again by the retry: not listed while it is sent.
    const listPath = `/incidents/${a.incident.reference}/ledger/other-channels`;
    const list = await manager.agent.get(listPath);
    assert.equal(list.status, 200);
    const text = list.text.replace(/\s+/g, " ");
    assert.match(text, /<strong>2<\/strong> people to tell\./);
    assert.match(text, /No e-mail address\./);
    assert.match(
      text,
      /Its address is suppressed in this incident since <time datetime="2026-03-02T09:01:00\.000Z">2026-03-02 20:01 GMT\+11<\/time> after a hard bounce: 550 5\.1\.1 User unknown\./,
    );
    assert.doesNotMatch(text, /person2@example\.org/);
    const liftPath = `/incidents/${a.incident.reference}/suppressions/${shared.id}`;
    assert.ok(list.text.includes(`href="${liftPath}"`));
    assert.ok(!(await viewer.agent.get(listPath)).text.includes(liftPath));
    assert.equal((await viewer.agent.get(liftPath)).status, 403);

    // The confirmation step: the page, then a post without the tick (refused) and without a token (refused).
    const confirm = await manager.agent.get(liftPath);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /550 5\.1\.1 User unknown/);
    const token = csrfFrom(confirm.text);
    assert.equal((await viewer.agent.post(`${liftPath}/lift`).type("form").send({ _csrf: token, confirm: "yes" })).status, 403);
    assert.equal((await manager.agent.post(`${liftPath}/lift`).type("form").send({ confirm: "yes" })).status, 403);
    const unticked = await manager.agent.post(`${liftPath}/lift`).type("form").send({ _csrf: token, note: "asked" });
    assert.equal(unticked.status, 400);
    assert.match(unticked.text, /Tick the box to confirm/);
    assert.equal(await t.db.prisma.bouncedAddress.count(), 1);

    t.clock.advance(60_000);
    const lifted = await manager.agent
      .post(`${liftPath}/lift`)
      .type("form")
      .send({ _csrf: token, confirm: "yes", note: "She phoned: her mailbox works again" });
    assert.equal(lifted.status, 303);
    assert.equal(lifted.headers.location, listPath);
    assert.equal(await t.db.prisma.bouncedAddress.count(), 0);
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "bounced_address.lift" } });
    assert.deepEqual([entry.incidentId, entry.entityId, entry.actorLabel], [a.incident.id, shared.id, manager.user.email]);
    assert.deepEqual(JSON.parse(entry.before ?? "{}"), {
      suppressed: true,
      since: "2026-03-02T09:01:00.000Z",
      reason: "550 5.1.1 User unknown",
      bouncedDeliveryId: shared.id,
    });
    assert.deepEqual(JSON.parse(entry.after ?? "{}"), {
      suppressed: false,
      liftedFrom: shared.id,
      note: "She phoned: her mailbox works again",
    });
    assert.equal((await verifyAuditChain(t.db)).break, null);
    assert.equal((await manager.agent.get(liftPath)).status, 404, "nothing left to lift");
    const after = (await manager.agent.get(listPath)).text.replace(/\s+/g, " ");
    assert.match(after, /its address was suppressed in this incident when the campaign started \(since lifted/);

    // The next "failed before" campaign of incident A e-mails the person again.
    const again = await startCampaign(a.incident, a.templateId, { name: "Failed before, again", failedBefore: true });
    assert.deepEqual(statusOf(again, SHARED), [["queued", ""]]);
  });
});
