import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findRule } from "../deadlines/rule-pack.policy.js";
import { deadlineOfObligation } from "./obligation-deadline.policy.js";

function applied(ruleId: string, zone?: string) {
  const rule = findRule(ruleId);
  assert.ok(rule, ruleId);
  return { terms: JSON.stringify(rule), zone: zone ?? rule.zone.name };
}

describe("an obligation's deadline", () => {
  it("waits for the event that starts its clock", () => {
    const result = deadlineOfObligation(applied("AU-NDB-assess"), [{ code: "detection", at: new Date("2016-03-22T00:00:00Z") }]);
    assert.deepEqual(result, { isWaiting: true, waitingFor: "aware_suspected_breach" });
  });

  it("runs the OAIC 30-day assessment clock from awareness of a suspected breach", () => {
    const result = deadlineOfObligation(applied("AU-NDB-assess", "Australia/Sydney"), [
      { code: "aware_suspected_breach", at: new Date("2016-03-23T23:00:00Z") },
    ]);
    assert.equal(result.isWaiting, false);
    if (result.isWaiting) return;
    assert.equal(result.dueLocal?.slice(0, 10), "2016-04-23");
  });

  it("uses the copied terms, not the pack as it is now", () => {
    const rule = findRule("EU-GDPR-33");
    assert.ok(rule && rule.deadline.kind === "fixed");
    const older = { ...rule, deadline: { ...rule.deadline, amount: 48 } };
    const result = deadlineOfObligation({ terms: JSON.stringify(older), zone: "Europe/Berlin" }, [
      { code: "awareness", at: new Date("2026-03-28T09:00:00Z") },
    ]);
    assert.equal(result.isWaiting ? null : result.dueAt?.toISOString(), "2026-03-30T09:00:00.000Z");
  });
});
