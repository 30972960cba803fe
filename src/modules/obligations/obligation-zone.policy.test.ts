import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DateTime } from "luxon";
import { findRule } from "../deadlines/rule-pack.policy.js";
import { deadlineOfObligation } from "./obligation-deadline.policy.js";
import { chooseObligationZone, holidaysOfObligation } from "./obligation-zone.policy.js";

function rule(id: string) {
  const found = findRule(id);
  assert.ok(found, id);
  return found;
}

describe("the zone an obligation is counted in", () => {
  it("counts an Australian rule in Perth for an incident handled in Perth", () => {
    assert.equal(chooseObligationZone(rule("AU-NDB-assess"), "Australia/Perth").zone, "Australia/Perth");
  });

  it("keeps the rule's own zone for an incident outside its jurisdiction", () => {
    const choice = chooseObligationZone(rule("AU-NDB-assess"), "Europe/Berlin");
    assert.equal(choice.zone, "Australia/Sydney");
    assert.match(choice.reason, /not in AU/);
  });

  it("counts a GDPR rule in the member state's zone", () => {
    assert.equal(chooseObligationZone(rule("EU-GDPR-33"), "Europe/Berlin").zone, "Europe/Berlin");
    assert.equal(chooseObligationZone(rule("EU-GDPR-33"), "Europe/London").zone, "Europe/Brussels");
  });

  it("keeps a US state's zone, since a zone does not tell the state", () => {
    assert.equal(chooseObligationZone(rule("US-CA-regulator"), "America/New_York").zone, "America/Los_Angeles");
  });

  it("says why when the zones are the same", () => {
    assert.match(chooseObligationZone(rule("AU-NDB-assess"), "Australia/Sydney").reason, /also the incident's/);
  });
});

describe("the public holidays an obligation skips", () => {
  it("takes the state's holidays where an Australian incident is handled, the rule's own elsewhere", () => {
    assert.deepEqual(holidaysOfObligation(rule("AU-NDB-assess"), "Australia/Perth"), { country: "AU", state: "WA" });
    assert.deepEqual(holidaysOfObligation(rule("AU-NDB-assess"), "Australia/Sydney"), { country: "AU", state: "NSW" });
    assert.deepEqual(holidaysOfObligation(rule("EU-DORA-final"), "Europe/Berlin"), { country: "DE", state: null });
    assert.deepEqual(holidaysOfObligation(rule("EU-DORA-final"), "Europe/Brussels"), { country: "BE", state: null });
    assert.deepEqual(holidaysOfObligation(rule("US-SEC-8K-105"), "America/Chicago"), { country: "US", state: null });
  });

  it("moves the OAIC's 30 days past Western Australia Day only for an incident counted in Perth", () => {
    // Aware on Friday 1 May 2026: the 30th day is Sunday 31 May; Monday 1 June is WA Day, a WA-only holiday.
    const events = [{ code: "aware_suspected_breach", at: new Date("2026-05-01T02:00:00Z") }];
    const terms = JSON.stringify(rule("AU-NDB-assess"));
    const local = (at: Date | null | undefined, zone: string) => DateTime.fromJSDate(at as Date, { zone }).toISODate();
    const perth = deadlineOfObligation({ terms, zone: "Australia/Perth" }, events);
    const sydney = deadlineOfObligation({ terms, zone: "Australia/Sydney" }, events);
    assert.ok(!perth.isWaiting && !sydney.isWaiting);
    assert.equal(local(perth.dueAt, "Australia/Perth"), "2026-05-31");
    assert.equal(local(sydney.dueAt, "Australia/Sydney"), "2026-05-31");
    assert.equal(local(perth.extendsTo, "Australia/Perth"), "2026-06-02");
    assert.equal(local(sydney.extendsTo, "Australia/Sydney"), "2026-06-01");
  });
});
