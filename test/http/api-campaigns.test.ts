import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { addUser, createTestApp, type TestApp } from "../helpers/app.js";
import { addNoticeTemplate, addPeople } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

const system = { userId: null, label: "test", ip: null };

/**
 * The campaign endpoints of the JSON API: a tool drives a notification from a template version
 * and an audience through approval, start, pause, resume, retry and cancel, reading status,
 * counts and deliveries. Sending itself is the worker's (tested elsewhere): here deliveries are
 * left queued, or marked failed by hand to retry them.
 */
describe(`campaigns API (${testLane})`, () => {
  let t: TestApp;
  let http: ReturnType<typeof supertest>;
  let incident: Incident;
  let base: string;
  let templateId: string;
  const tokens: Record<"viewer" | "alice" | "bob", string> = { viewer: "", alice: "", bob: "" };
  const as = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });

  before(async () => {
    t = await createTestApp();
    http = supertest(t.app);
    for (const [who, role] of [
      ["viewer", "viewer"],
      ["alice", "manager"],
      ["bob", "manager"],
    ] as const) {
      const user = await addUser(t, role, `${who}@example.org`);
      tokens[who] = (await createApiToken(t.deps, user.id, { name: `${who}'s script` }, system)).token;
    }
    incident = await addIncident(t);
    base = `/api/v1/incidents/${incident.reference}/campaigns`;
    templateId = (await addNoticeTemplate(t.db, incident.id, ["en"])).templateId;
    await addPeople(t.db, incident.id, 5, (i) => ({ email: i === 4 ? null : undefined, country: i < 2 ? "AU" : "NZ" }));
  });
  after(() => t.close());

  it("refuses a viewer's writes and a malformed campaign, naming the field", async () => {
    const denied = await http.post(base).set(as("viewer")).send({ name: "x", templateId });
    assert.equal(denied.status, 403);
    const bad = await http
      .post(base)
      .set(as("alice"))
      .send({ name: "", templateId, audience: { places: ["Sydney!"] } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.fields.name, "Give the campaign a name.");
    assert.match(bad.body.error.fields.places, /these are not: SYDNEY!/);
    const noTemplate = await http.post(base).set(as("alice")).send({ name: "First notice", templateId: "nope" });
    assert.equal(noTemplate.status, 400);
    assert.equal(noTemplate.body.error.fields.templateId, "Choose one of this incident's notices.");
  });

  it("creates a campaign needing approval, refuses the creator's approval, starts once a second manager approves", async () => {
    const created = await http
      .post(base)
      .set(as("alice"))
      .send({ name: "First notice", templateId, isApprovalRequired: true, audience: { places: ["NZ"] } });
    assert.equal(created.status, 201);
    const id = created.body.id as string;
    assert.equal(created.headers.location, `${base}/${id}`);
    assert.equal(created.body.status, "draft");
    assert.match(created.body.audience.description, /^People,? in NZ$/);
    const early = await http.post(`${base}/${id}/start`).set(as("alice")).send({});
    assert.equal(early.status, 409);
    assert.equal((await http.post(`${base}/${id}/approve`).set(as("alice"))).status, 409);
    const approved = await http.post(`${base}/${id}/approve`).set(as("bob"));
    assert.equal(approved.status, 200);
    assert.ok(approved.body.approvedAt);
    const started = await http.post(`${base}/${id}/start`).set(as("alice")).send({});
    assert.equal(started.status, 200);
    assert.equal(started.body.status, "sending");
    assert.equal(started.body.counts.total, 3);
    assert.equal(started.body.counts.queued, 2);
    assert.equal(started.body.counts.excluded, 1);
    assert.deepEqual(Object.keys(started.body.versionIds), ["en"]);

    const paused = await http.post(`${base}/${id}/pause`).set(as("alice")).send({ reason: "checking the wording" });
    assert.equal(paused.body.status, "paused");
    assert.match(paused.body.pauseReason, /checking the wording/);
    assert.equal((await http.post(`${base}/${id}/resume`).set(as("alice"))).body.status, "sending");

    const shown = await http.get(`${base}/${id}`).set(as("viewer"));
    assert.equal(shown.status, 200);
    assert.equal(shown.body.counts.queued, 2);
    const list = await http.get(base).set(as("viewer"));
    assert.deepEqual(
      list.body.data.map((c: { id: string }) => c.id),
      [id],
    );
  });

  it("pages through a campaign's deliveries and retries the failed ones, then cancels", async () => {
    const created = await http.post(base).set(as("alice")).send({ name: "Everyone", templateId });
    const id = created.body.id as string;
    await http.post(`${base}/${id}/start`).set(as("alice")).send({});
    const all = await http.get(`${base}/${id}/deliveries`).set(as("viewer"));
    assert.equal(all.status, 200);
    assert.equal(all.body.page.total, 5);
    assert.equal(all.body.data.length, 5);
    assert.match(all.body.data[0].messageId, /^<delivery\.[^@]+@[^>]+>$/);
    assert.equal(all.body.page.next, null);
    const excluded = await http.get(`${base}/${id}/deliveries?status=excluded`).set(as("viewer"));
    assert.deepEqual(
      excluded.body.data.map((d: { exclusionReason: string }) => d.exclusionReason !== null),
      [true],
    );
    const badFilter = await http.get(`${base}/${id}/deliveries?status=delivered`).set(as("viewer"));
    assert.equal(badFilter.status, 400);

    // Two notices refused for good by the server, as the worker would record them.
    const queued = await t.db.prisma.delivery.findMany({ where: { campaignId: id, status: "queued" }, take: 2 });
    await t.db.prisma.delivery.updateMany({
      where: { id: { in: queued.map((d) => d.id) } },
      data: { status: "failed", smtpCode: 550, smtpResponse: "550 5.7.1 rejected", failedAt: t.clock.now() },
    });
    const retried = await http.post(`${base}/${id}/retry-failed`).set(as("alice"));
    assert.equal(retried.status, 200);
    assert.equal(retried.body.counts.failed, 0);
    assert.equal(retried.body.counts.queued, 4);

    const cancelled = await http.post(`${base}/${id}/cancel`).set(as("alice"));
    assert.equal(cancelled.body.status, "cancelled");
    assert.equal(cancelled.body.counts.cancelled, 4);
    assert.equal((await http.post(`${base}/${id}/resume`).set(as("alice"))).status, 409);
    const audit = await t.db.prisma.auditEntry.findMany({ where: { entityId: id }, orderBy: { seq: "asc" } });
    assert.deepEqual(
      audit.map((e) => e.action),
      ["campaign.create", "campaign.start", "campaign.retry_failed", "campaign.cancel"],
    );
    assert.ok(audit.every((e) => e.actorLabel.includes("alice@example.org")));
  });

  it("answers 404 for a campaign of another incident", async () => {
    const other = await addIncident(t);
    const created = await http.post(base).set(as("alice")).send({ name: "Mine", templateId });
    const res = await http.get(`/api/v1/incidents/${other.reference}/campaigns/${created.body.id}`).set(as("viewer"));
    assert.equal(res.status, 404);
  });
});
