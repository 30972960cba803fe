import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import type { z } from "zod/v4";
import type { obligation } from "../../src/api/api-obligations.schemas.js";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { addUser, createTestApp, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";

const system = { userId: null, label: "test", ip: null };
const HOUR = 3_600_000;
type ApiObligation = z.output<typeof obligation>;

/**
 * The obligation and clock endpoints of the JSON API on a real database: apply a rule, list the
 * obligations with their deadlines and what started each clock, record and move a clock event,
 * record outcomes, remove a rule, with every refusal and the audit trail. The test app's clock
 * stands at 2026-03-02T09:00Z.
 */
describe(`obligations API (${testLane})`, () => {
  let t: TestApp;
  let http: ReturnType<typeof supertest>;
  const tokens = { viewer: "", manager: "" };
  const as = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });

  /** A new incident in Europe/Dublin that became aware 40 hours before the test clock's now. */
  async function dublinIncident(fields: Record<string, unknown> = {}) {
    const res = await http
      .post("/api/v1/incidents")
      .set(as("manager"))
      .send({ title: "Conference registrations exposed", severity: "high", timeZone: "Europe/Dublin", ...fields });
    assert.equal(res.status, 201, res.text);
    return res.body as { reference: string; id: string; awareAt: string | null };
  }
  const base = (reference: string) => `/api/v1/incidents/${reference}`;
  const apply = (reference: string, rule: unknown, who: keyof typeof tokens = "manager") =>
    http
      .post(`${base(reference)}/obligations`)
      .set(as(who))
      .send({ rule });
  const listOf = async (reference: string) => {
    const res = await http.get(`${base(reference)}/obligations`).set(as("viewer"));
    assert.equal(res.status, 200, res.text);
    return res.body.obligations as ApiObligation[];
  };

  before(async () => {
    t = await createTestApp();
    http = supertest(t.app);
    for (const role of ["viewer", "manager"] as const) {
      const user = await addUser(t, role, `${role}@example.org`);
      tokens[role] = (await createApiToken(t.deps, user.id, { name: `${role} script` }, system)).token;
    }
  });
  after(() => t.close());

  it("applies a rule with 201 and the obligation, and lists it with its deadline and what started its clock", async () => {
    // 2026-02-28 17:00 in Dublin (GMT in winter) is 40 hours before now.
    const incident = await dublinIncident({ awareAt: "2026-02-28 17:00" });
    assert.equal(incident.awareAt, "2026-02-28T17:00:00.000Z");
    const res = await apply(incident.reference, "AU-NDB-assess");
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.location, `${base(incident.reference)}/obligations/AU-NDB-assess`);
    assert.equal(res.body.rule, "AU-NDB-assess");
    assert.equal(res.body.status, "pending");
    assert.deepEqual(
      { source: res.body.startedBy.source, fact: res.body.startedBy.fact, at: res.body.startedBy.at },
      { source: "fact", fact: "awareAt", at: incident.awareAt },
    );
    assert.ok(res.body.dueAt >= "2026-03-30T17:00:00.000Z", `30 days after awareness, not before: ${res.body.dueAt}`);
    assert.match(res.body.basis, /30 calendar days/);
    assert.equal(res.body.waitingFor, null);

    const [listed, ...others] = await listOf(incident.reference);
    assert.equal(others.length, 0);
    assert.deepEqual(listed, res.body, "the list shows what the apply answered");
    const one = await http.get(`${base(incident.reference)}/obligations/au-ndb-assess`).set(as("viewer"));
    assert.equal(one.status, 200);
    assert.equal(one.body.id, res.body.id);
  });

  // The done-when: GDPR's 72 hours count from the incident's own "became aware" instant.
  it("lists EU-GDPR-33 due exactly awareAt + 72 h when awareAt is 40 hours ago and no clock event is recorded", async () => {
    const incident = await dublinIncident({ awareAt: "2026-02-28 17:00" });
    const awareAt = Date.parse(incident.awareAt!);
    assert.equal(t.clock.now().getTime() - awareAt, 40 * HOUR);
    const res = await apply(incident.reference, "EU-GDPR-33");
    assert.equal(res.status, 201, res.text);
    const gdpr = (await listOf(incident.reference)).find((o) => o.rule === "EU-GDPR-33");
    assert.ok(gdpr, "EU-GDPR-33 is listed");
    assert.equal(gdpr.status, "pending");
    assert.equal(gdpr.dueAt, new Date(awareAt + 72 * HOUR).toISOString());
    assert.equal(gdpr.startedBy?.source, "fact");
    assert.equal(gdpr.startedBy?.fact, "awareAt");
    assert.equal(gdpr.startedBy?.at, incident.awareAt);
  });

  it("records a clock event (201), moves it (200), and the deadlines follow it as an override", async () => {
    const incident = await dublinIncident({ awareAt: "2026-02-28 17:00" });
    assert.equal((await apply(incident.reference, "EU-GDPR-33")).status, 201);
    const path = `${base(incident.reference)}/clock-events`;
    // A local time without a zone is read in the incident's zone (Dublin, GMT in winter).
    const recorded = await http
      .post(path)
      .set(as("manager"))
      .send({ code: "awareness", at: "2026-03-01 08:00", note: "the forensic report confirmed the copy" });
    assert.equal(recorded.status, 201, recorded.text);
    assert.equal(recorded.body.clockEvent.at, "2026-03-01T08:00:00.000Z");
    assert.equal(recorded.body.clockEvent.zone, "Europe/Dublin");
    assert.equal(recorded.body.clockEvent.source, "clock_event");
    assert.equal(recorded.body.clockEvent.recordedBy, "manager@example.org (api: manager script)");
    const gdpr = recorded.body.obligations.find((o: { rule: string }) => o.rule === "EU-GDPR-33");
    assert.equal(gdpr.dueAt, "2026-03-04T08:00:00.000Z");
    assert.equal(gdpr.startedBy.source, "clock_event");
    assert.equal(gdpr.startedBy.code, "awareness");
    assert.equal(gdpr.startedBy.fact, null);
    assert.equal(gdpr.startedBy.overrides, "awareAt", "the clock event overrides the incident's awareAt");

    const moved = await http.post(path).set(as("manager")).send({ code: "awareness", at: "2026-03-01T06:00:00+01:00" });
    assert.equal(moved.status, 200, moved.text);
    const movedGdpr = moved.body.obligations.find((o: { rule: string }) => o.rule === "EU-GDPR-33");
    assert.equal(movedGdpr.dueAt, "2026-03-04T05:00:00.000Z");

    const events = await http.get(path).set(as("viewer"));
    assert.equal(events.status, 200);
    const bySource = Object.fromEntries(events.body.clockEvents.map((e: { code: string }) => [e.code, e]));
    assert.equal(bySource.awareness.source, "clock_event");
    assert.equal(bySource.awareness.overrides, "awareAt");
    assert.equal(bySource.aware_suspected_breach.source, "fact");
    assert.equal(bySource.aware_suspected_breach.fact, "awareAt");

    const audit = await t.db.prisma.auditEntry.findMany({
      where: { incidentId: incident.id, action: { startsWith: "clock_event." } },
      orderBy: { seq: "asc" },
    });
    assert.deepEqual(
      audit.map((a) => [a.action, a.actorLabel]),
      [
        ["clock_event.record", "manager@example.org (api: manager script)"],
        ["clock_event.change", "manager@example.org (api: manager script)"],
      ],
    );
  });

  it("refuses a bad clock event per field, naming what to send", async () => {
    const incident = await dublinIncident();
    const path = `${base(incident.reference)}/clock-events`;
    const unknown = await http.post(path).set(as("manager")).send({ code: "awarenes", at: "2026-03-01 08:00" });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.fields.code, /^Use a trigger code, one of: awareness, aware_suspected_breach/);
    const future = await http.post(path).set(as("manager")).send({ code: "awareness", at: "2026-03-05 08:00" });
    assert.equal(future.status, 400);
    assert.match(future.body.error.fields.at, /cannot be later than now/);
    const badZone = await http
      .post(path)
      .set(as("manager"))
      .send({ code: "awareness", at: "2026-03-01 08:00", zone: "Mars/Base" });
    assert.equal(badZone.status, 400);
    assert.ok(badZone.body.error.fields.zone, JSON.stringify(badZone.body));
    const noAt = await http.post(path).set(as("manager")).send({ code: "awareness" });
    assert.equal(noAt.status, 400);
    assert.equal(noAt.body.error.fields.at, "Give at as text.");
    const viewer = await http.post(path).set(as("viewer")).send({ code: "awareness", at: "2026-03-01 08:00" });
    assert.equal(viewer.status, 403);
    assert.equal(await t.db.prisma.clockEvent.count({ where: { incidentId: incident.id } }), 0);
  });

  it("refuses an unknown rule, a rule applied twice, a viewer and a missing token", async () => {
    const incident = await dublinIncident({ awareAt: "2026-02-28 17:00" });
    const unknown = await apply(incident.reference, "EU-GDPR-99");
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.fields.rule, 'There is no rule "EU-GDPR-99" in the rule pack.');
    const missing = await apply(incident.reference, undefined);
    assert.equal(missing.status, 400);
    assert.match(missing.body.error.fields.rule, /Give the rule's id/);
    assert.equal((await apply(incident.reference, "EU-GDPR-33")).status, 201);
    const twice = await apply(incident.reference, "EU-GDPR-33");
    assert.equal(twice.status, 400);
    assert.equal(twice.body.error.fields.rule, "EU-GDPR-33 is already applied to this incident.");
    assert.equal((await apply(incident.reference, "GB-UKGDPR-33", "viewer")).status, 403);
    const anonymous = await http.post(`${base(incident.reference)}/obligations`).send({ rule: "GB-UKGDPR-33" });
    assert.equal(anonymous.status, 401);
    assert.equal((await apply("BD-2026-9999", "EU-GDPR-33")).status, 404);
    assert.equal((await listOf(incident.reference)).length, 1);
  });

  it("marks met with evidence, refuses what an outcome lacks, marks not required, and audits each", async () => {
    const incident = await dublinIncident({ awareAt: "2026-02-28 17:00" });
    assert.equal((await apply(incident.reference, "AU-NDB-assess")).status, 201);
    const status = `${base(incident.reference)}/obligations/AU-NDB-assess/status`;
    const lacking = await http.post(status).set(as("manager")).send({ status: "met" });
    assert.equal(lacking.status, 400);
    assert.ok(lacking.body.error.fields.metAt, JSON.stringify(lacking.body));
    assert.match(lacking.body.error.fields.metHow, /Say how it was met/);
    const bad = await http.post(status).set(as("manager")).send({ status: "done" });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.fields.status, "Use pending, met, not_required or late.");

    const met = await http.post(status).set(as("manager")).send({
      status: "met",
      metAt: "2026-03-02 08:30",
      metHow: "Assessment completed",
      metReference: "ASSESS-7",
      evidenceNote: "The assessment found serious harm likely.",
    });
    assert.equal(met.status, 200, met.text);
    assert.equal(met.body.status, "met");
    assert.deepEqual(met.body.outcome, {
      metAt: "2026-03-02T08:30:00.000Z",
      metHow: "Assessment completed",
      metReference: "ASSESS-7",
      evidenceNote: "The assessment found serious harm likely.",
      notRequiredReason: "",
      lateReasons: "",
    });
    const noReason = await http.post(status).set(as("manager")).send({ status: "not_required" });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.error.fields.notRequiredReason, "Say why this obligation does not apply.");
    const notRequired = await http
      .post(status)
      .set(as("manager"))
      .send({ status: "not_required", notRequiredReason: "No Australian residents affected." });
    assert.equal(notRequired.status, 200);
    assert.equal(notRequired.body.status, "not_required");
    assert.equal(notRequired.body.outcome.notRequiredReason, "No Australian residents affected.");
    assert.equal(
      (await http.post(status).set(as("viewer")).send({ status: "not_required", notRequiredReason: "x" })).status,
      403,
    );
    const audit = await t.db.prisma.auditEntry.findMany({ where: { incidentId: incident.id, action: "obligation.status" } });
    assert.equal(audit.length, 2);
    assert.ok(audit.every((a) => a.actorLabel === "manager@example.org (api: manager script)"));
  });

  it("removes a rule applied by mistake (204, audited), but not one marked met", async () => {
    const incident = await dublinIncident({ awareAt: "2026-02-28 17:00" });
    assert.equal((await apply(incident.reference, "EU-GDPR-33")).status, 201);
    assert.equal((await apply(incident.reference, "AU-NDB-assess")).status, 201);
    const one = (rule: string) => `${base(incident.reference)}/obligations/${rule}`;
    await http
      .post(`${one("AU-NDB-assess")}/status`)
      .set(as("manager"))
      .send({ status: "met", metAt: "2026-03-02 08:30", metHow: "Assessment completed" })
      .expect(200);
    const refused = await http.delete(one("AU-NDB-assess")).set(as("manager"));
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /is marked met/);
    assert.equal((await http.delete(one("EU-GDPR-33")).set(as("viewer"))).status, 403);
    const removed = await http.delete(one("EU-GDPR-33")).set(as("manager"));
    assert.equal(removed.status, 204);
    assert.deepEqual(
      (await listOf(incident.reference)).map((o) => o.rule),
      ["AU-NDB-assess"],
    );
    assert.equal((await http.get(one("EU-GDPR-33")).set(as("viewer"))).status, 404);
    assert.equal((await http.delete(one("EU-GDPR-33")).set(as("manager"))).status, 404);
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { incidentId: incident.id, action: "obligation.remove" },
    });
    assert.equal(audit.actorLabel, "manager@example.org (api: manager script)");
    assert.equal(JSON.parse(audit.before ?? "{}").ruleId, "EU-GDPR-33");
    // Removed, it can be applied again.
    assert.equal((await apply(incident.reference, "EU-GDPR-33")).status, 201);
  });
});
