import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findRule, rulePack } from "../deadlines/rule-pack.policy.js";
import { TRIGGER_CODE_LIST, type TriggerCode } from "../deadlines/trigger-codes.policy.js";
import { clockStartKey, describeClockStart, effectiveClockEvents } from "./clock-events.policy.js";
import {
  type ClockFactKey,
  clockFactsOf,
  type DecisionFact,
  type IncidentClockFacts,
  TRIGGER_FACTS,
} from "./clock-facts.policy.js";
import { deadlineOfObligation } from "./obligation-deadline.policy.js";

const awareAt = new Date("2015-04-01T02:00:00Z");
const detectedAt = new Date("2015-03-22T05:00:00Z");
const decision = (id: string, over: Partial<DecisionFact>): DecisionFact => ({
  id,
  isNotifiable: true,
  isMaterial: null,
  decidedAt: new Date("2015-04-03T00:00:00Z"),
  recordedAt: new Date("2015-04-03T01:00:00Z"),
  ...over,
});
const incident: IncidentClockFacts = {
  awareAt,
  detectedAt,
  timeZone: "Australia/Sydney",
  decisions: [decision("d1", { isMaterial: true })],
  statementPrepared: { id: "s1", at: new Date("2015-04-10T00:00:00Z"), zone: "Australia/Sydney" },
};

/** The instant and fact that start a code's clock on the incident above, with no clock event. */
function startOf(code: string) {
  const event = effectiveClockEvents(incident, []).find((e) => e.code === code);
  return event ? { at: event.at.toISOString(), fact: event.fact } : null;
}

describe("the clock-facts mapping table, one mapping at a time", () => {
  const expected: Record<string, { fact: ClockFactKey; at: string }> = {
    awareness: { fact: "incident.aware_at", at: awareAt.toISOString() },
    aware_suspected_breach: { fact: "incident.aware_at", at: awareAt.toISOString() },
    awareness_significant_incident: { fact: "incident.aware_at", at: awareAt.toISOString() },
    knowledge_incident_affected_personal_data: { fact: "incident.aware_at", at: awareAt.toISOString() },
    awareness_security_incident: { fact: "incident.aware_at", at: awareAt.toISOString() },
    awareness_severe_incident: { fact: "incident.aware_at", at: awareAt.toISOString() },
    detection: { fact: "incident.detected_at", at: detectedAt.toISOString() },
    discovery: { fact: "incident.detected_at", at: detectedAt.toISOString() },
    // 31 December 2015, end of the day in Sydney (UTC+11).
    end_of_calendar_year: { fact: "incident.detected_year_end", at: "2015-12-31T12:59:59.999Z" },
    aware_eligible_breach: { fact: "decision.notifiable", at: "2015-04-03T00:00:00.000Z" },
    aware_notifiable_breach: { fact: "decision.notifiable", at: "2015-04-03T00:00:00.000Z" },
    determination: { fact: "decision.notifiable", at: "2015-04-03T00:00:00.000Z" },
    assessment_completed: { fact: "decision.notifiable", at: "2015-04-03T00:00:00.000Z" },
    awareness_risk_of_serious_injury: { fact: "decision.notifiable", at: "2015-04-03T00:00:00.000Z" },
    materiality_determination: { fact: "decision.material", at: "2015-04-03T00:00:00.000Z" },
    statement_prepared: { fact: "statement.prepared", at: "2015-04-10T00:00:00.000Z" },
  };

  for (const [code, want] of Object.entries(expected)) {
    it(`${code} starts from ${want.fact}`, () => {
      assert.equal(TRIGGER_FACTS[code as TriggerCode]?.fact, want.fact);
      assert.deepEqual(startOf(code), { at: want.at, fact: want.fact });
    });
  }

  it("maps exactly the codes above; the others start only from a clock event", () => {
    assert.deepEqual(Object.keys(TRIGGER_FACTS).sort(), Object.keys(expected).sort());
    for (const code of TRIGGER_CODE_LIST.filter((c) => !(c in expected))) assert.equal(startOf(code), null, code);
  });

  it("every trigger code the rule pack uses is a code of the vocabulary", () => {
    for (const rule of rulePack.rules) assert.ok(TRIGGER_CODE_LIST.includes(rule.trigger.code as TriggerCode), rule.id);
  });
});

describe("facts and overrides", () => {
  it("an explicit clock event overrides the fact of its code, and says so", () => {
    const events = effectiveClockEvents(incident, [
      { code: "awareness", at: new Date("2015-04-02T00:00:00Z"), zone: "Europe/Dublin", note: "EDPB: certainty reached" },
    ]);
    const awareness = events.find((e) => e.code === "awareness");
    assert.equal(awareness?.source, "recorded");
    assert.equal(awareness?.isOverride, true);
    assert.equal(awareness?.fact, "incident.aware_at");
    assert.equal(awareness && clockStartKey(awareness), "clock_event:awareness");
    // The other codes of the same fact keep starting from it.
    assert.equal(events.find((e) => e.code === "aware_suspected_breach")?.source, "incident");
  });

  it("a clock event of a code no fact starts is recorded, not an override", () => {
    const [event] = effectiveClockEvents({ awareAt: null, detectedAt: null, timeZone: "UTC" }, [
      { code: "classification_as_major", at: awareAt, zone: "UTC", note: "" },
    ]);
    assert.equal(event?.isOverride, false);
    assert.equal(event?.fact, null);
  });

  it("startedBy links to the fact, or to the clock events for an override", () => {
    const events = effectiveClockEvents(incident, []);
    const eligible = describeClockStart("aware_eligible_breach", events, "BD-2015-0001");
    assert.equal(eligible?.href, "/incidents/BD-2015-0001/assessment#decision-d1");
    assert.equal(eligible?.key, "decision.notifiable:d1");
    assert.equal(describeClockStart("awareness", events, "BD-2015-0001")?.href, "/incidents/BD-2015-0001#overview");
    const overridden = effectiveClockEvents(incident, [{ code: "awareness", at: awareAt, zone: "UTC", note: "" }]);
    assert.equal(
      describeClockStart("awareness", overridden, "BD-2015-0001")?.href,
      "/incidents/BD-2015-0001/deadlines#clock-events",
    );
  });

  it("a notifiable decision restated later keeps the first instant; a decision against it stops the clock", () => {
    const first = decision("d1", { decidedAt: new Date("2015-04-03T00:00:00Z"), recordedAt: new Date("2015-04-03T01:00:00Z") });
    const again = decision("d2", { decidedAt: new Date("2015-04-05T00:00:00Z"), recordedAt: new Date("2015-04-05T01:00:00Z") });
    const against = decision("d3", {
      isNotifiable: false,
      decidedAt: new Date("2015-04-06T00:00:00Z"),
      recordedAt: new Date("2015-04-06T01:00:00Z"),
    });
    const base = { awareAt: null, detectedAt: null, timeZone: "UTC" };
    assert.equal(clockFactsOf({ ...base, decisions: [again, first] }).get("decision.notifiable")?.recordId, "d1");
    assert.equal(clockFactsOf({ ...base, decisions: [first, again, against] }).get("decision.notifiable"), undefined);
    const yesAgain = decision("d4", {
      decidedAt: new Date("2015-04-08T00:00:00Z"),
      recordedAt: new Date("2015-04-08T01:00:00Z"),
    });
    assert.equal(clockFactsOf({ ...base, decisions: [first, against, yesAgain] }).get("decision.notifiable")?.recordId, "d4");
  });

  it("a decision that says nothing of materiality leaves the materiality determination as it was", () => {
    const material = decision("m1", { isMaterial: true });
    const later = decision("m2", {
      isMaterial: null,
      decidedAt: new Date("2015-04-09T00:00:00Z"),
      recordedAt: new Date("2015-04-09T01:00:00Z"),
    });
    const facts = clockFactsOf({ awareAt: null, detectedAt: null, timeZone: "UTC", decisions: [material, later] });
    assert.equal(facts.get("decision.material")?.recordId, "m1");
  });
});

describe("deadlines from the facts", () => {
  it("EU-GDPR-33 with no clock event is due exactly 72 hours after the incident's awareness (Europe/Dublin)", () => {
    const rule = findRule("EU-GDPR-33");
    assert.ok(rule);
    const aware = new Date("2026-03-02T09:00:00Z");
    const events = effectiveClockEvents({ awareAt: aware, detectedAt: null, timeZone: "Europe/Dublin" }, []);
    const result = deadlineOfObligation({ terms: JSON.stringify(rule), zone: "Europe/Dublin" }, events);
    assert.equal(result.isWaiting ? null : result.dueAt?.toISOString(), "2026-03-05T09:00:00.000Z");
  });

  it("AU-NDB-oaic starts from the notifiable decision, not a separate clock event", () => {
    const rule = findRule("AU-NDB-oaic");
    assert.ok(rule);
    const events = effectiveClockEvents(incident, []);
    const result = deadlineOfObligation({ terms: JSON.stringify(rule), zone: "Australia/Sydney" }, events);
    assert.equal(result.isWaiting, false);
    assert.equal(result.isWaiting ? null : result.startedAt.toISOString(), "2015-04-03T00:00:00.000Z");
  });

  it("SEC 8-K waits for the materiality determination, then counts from it", () => {
    const rule = findRule("US-SEC-8K-105");
    assert.ok(rule);
    const terms = { terms: JSON.stringify(rule), zone: "America/New_York" };
    const noDetermination = { ...incident, decisions: [decision("d1", {})] };
    assert.deepEqual(deadlineOfObligation(terms, effectiveClockEvents(noDetermination, [])), {
      isWaiting: true,
      waitingFor: "materiality_determination",
    });
    assert.equal(deadlineOfObligation(terms, effectiveClockEvents(incident, [])).isWaiting, false);
  });
});
