import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { findRule } from "../../src/modules/deadlines/rule-pack.policy.js";
import { recordClockEvent } from "../../src/modules/obligations/clock-events.service.js";
import { applyObligations, reapplyObligation } from "../../src/modules/obligations/obligations.service.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

const actor = { userId: null, label: "test", ip: null };

/** Obligations on a real database (SQLite, or PostgreSQL with TEST_DB=postgresql). */
describe("obligations on the database", () => {
  let t: TestApp;
  let incident: Incident;

  before(async () => {
    t = await createTestApp();
    incident = await addIncident(t, { title: "Linux Australia", timeZone: "Australia/Perth", awareAt: "2016-03-24 10:00" });
  });
  after(() => t.close());

  const obligationOf = (ruleId: string) =>
    t.db.prisma.obligation.findFirstOrThrow({ where: { incidentId: incident.id, ruleId } });

  it("applies a rule in the incident's zone when it lies in the rule's jurisdiction", async () => {
    await applyObligations(
      t.deps,
      incident.reference,
      { ruleIds: ["AU-NDB-assess", "EU-GDPR-33"], extraRuleId: "", browseRuleId: "" },
      actor,
    );
    const assess = await obligationOf("AU-NDB-assess");
    assert.equal(assess.zone, "Australia/Perth");
    assert.equal(assess.dueAt?.toISOString(), "2016-04-23T15:59:59.999Z");
    // The GDPR 72 hours run from the incident's own "became aware" instant: no clock event needed.
    const gdpr = await obligationOf("EU-GDPR-33");
    assert.equal(gdpr.dueAt?.toISOString(), "2016-03-27T02:00:00.000Z");
    assert.equal(gdpr.clockStartedAt?.toISOString(), "2016-03-24T02:00:00.000Z");
    assert.equal(gdpr.clockStartedBy, "incident.aware_at");
  });

  it("recomputes every obligation's deadline when a clock event is recorded", async () => {
    await recordClockEvent(
      t.deps,
      incident.reference,
      { code: "awareness", at: "2026-03-01 09:00", atZone: "Europe/Berlin", note: "" },
      actor,
    );
    const overridden = await obligationOf("EU-GDPR-33");
    assert.equal(overridden.dueAt?.toISOString(), "2026-03-04T08:00:00.000Z");
    assert.equal(overridden.clockStartedBy, "clock_event:awareness");
    await recordClockEvent(
      t.deps,
      incident.reference,
      { code: "aware_suspected_breach", at: "2016-03-25 10:00", atZone: "Australia/Perth", note: "" },
      actor,
    );
    assert.equal((await obligationOf("AU-NDB-assess")).dueAt?.toISOString(), "2016-04-24T15:59:59.999Z");
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "clock_event.record", incidentId: incident.id },
      orderBy: { seq: "desc" },
    });
    assert.match(audit.after ?? "", /"dueAtAfter":"2016-04-24T15:59:59.999Z"/);
  });

  it("keeps a stored deadline from the copied terms, whatever the pack says now; re-apply replaces them, audited", async () => {
    const gdpr = await obligationOf("EU-GDPR-33");
    const rule = findRule("EU-GDPR-33");
    assert.ok(rule && rule.deadline.kind === "fixed");
    const older = JSON.stringify({ ...rule, deadline: { ...rule.deadline, amount: 48 } });
    await t.db.prisma.obligation.update({ where: { id: gdpr.id }, data: { terms: older } });
    // Another event makes the service recompute every obligation from its copied terms.
    await recordClockEvent(
      t.deps,
      incident.reference,
      { code: "detection", at: "2026-02-28 09:00", atZone: "Europe/Berlin", note: "" },
      actor,
    );
    assert.equal((await obligationOf("EU-GDPR-33")).dueAt?.toISOString(), "2026-03-03T08:00:00.000Z");
    await reapplyObligation(t.deps, incident.reference, gdpr.id, actor);
    const reapplied = await obligationOf("EU-GDPR-33");
    assert.equal(reapplied.dueAt?.toISOString(), "2026-03-04T08:00:00.000Z");
    assert.equal(reapplied.terms, JSON.stringify(rule));
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "obligation.reapply" } });
    assert.equal(audit.incidentId, incident.id);
    assert.equal(JSON.parse(audit.before ?? "{}").dueAt, "2026-03-03T08:00:00.000Z");
    assert.equal(JSON.parse(audit.after ?? "{}").dueAt, "2026-03-04T08:00:00.000Z");
  });
});
