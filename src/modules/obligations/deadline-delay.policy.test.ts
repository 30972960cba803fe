import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppError } from "../../lib/errors.js";
import { findRule, loadRulePack, RulePackError, rulePack } from "../deadlines/rule-pack.policy.js";
import { checkDelayRequest, type DelayEventKind, type DelayForm, delaysOf, type RecordedDelay } from "./deadline-delay.policy.js";
import { deadlineOfObligation, delayRulesOf } from "./obligation-deadline.policy.js";

let serial = 0;
function event(kind: DelayEventKind, at: string, until: string | null, form: DelayForm | "" = "", agency = "FBI"): RecordedDelay {
  serial += 1;
  return {
    id: `d${serial}`,
    kind,
    form,
    at,
    zone: "UTC",
    until,
    agency,
    reference: "",
    evidenceUrl: "",
    note: "",
    recordedAt: at,
    recordedBy: "test",
  };
}

function rule(id: string) {
  const found = findRule(id);
  assert.ok(found, id);
  return found;
}

/** The deadline of a rule applied with these delays, its clock started at `start`. */
function due(ruleId: string, start: { code: string; at: string }, delays: RecordedDelay[], zone?: string) {
  const r = rule(ruleId);
  const result = deadlineOfObligation({ terms: JSON.stringify(r), zone: zone ?? r.zone.name, delays: JSON.stringify(delays) }, [
    { code: start.code, at: new Date(start.at) },
  ]);
  assert.equal(result.isWaiting, false);
  if (result.isWaiting) throw new Error("waiting");
  return result;
}

/** Runs the check as the service does: against the deadline with the events already recorded. */
function check(
  ruleId: string,
  start: { code: string; at: string },
  recorded: RecordedDelay[],
  next: RecordedDelay,
  zone?: string,
) {
  const r = rule(ruleId);
  const standing = due(ruleId, start, recorded, zone);
  checkDelayRequest(
    { id: r.id, ...delayRulesOf(r) },
    recorded,
    { kind: next.kind, form: next.form, at: new Date(next.at), until: next.until ? new Date(next.until) : null },
    { dueAt: standing.dueAt, isSuspended: standing.delay?.isSuspended ?? false },
    zone ?? r.zone.name,
  );
}

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, "validation");
    return error.message;
  }
  assert.fail("expected a refusal");
}

const DAY = 86_400_000;

describe("HIPAA's law-enforcement delay (45 CFR 164.412)", () => {
  // Discovered Monday 2 March 2026, 10:00 in New York: 60 calendar days end on 1 May 2026.
  const start = { code: "discovery", at: "2026-03-02T15:00:00Z" };
  const zone = "America/New_York";

  it("an oral statement stops the clock for its time, at most 30 days from the statement", () => {
    const original = due("US-HHS-individuals", start, [], zone);
    assert.equal(original.dueLocal, "2026-05-01T23:59:59.999-04:00");
    // Oral statement on 10 March 14:00 New York; 30 days from it end with 9 April.
    const oral = event("law_enforcement_delay", "2026-03-10T18:00:00Z", "2026-04-10T03:59:59.999Z", "oral");
    assert.doesNotThrow(() => check("US-HHS-individuals", start, [], oral, zone));
    const delayed = due("US-HHS-individuals", start, [oral], zone);
    const stopped = new Date(oral.until as string).getTime() - new Date(oral.at).getTime();
    assert.equal(delayed.dueAt?.getTime(), (original.dueAt as Date).getTime() + stopped);
    assert.equal(delayed.delay?.originalDueAt?.toISOString(), original.dueAt?.toISOString());
    assert.match(delayed.basis, /FBI's oral request.*164\.412/);
    // One day more than the cap is refused, naming the cap, its end and the citation.
    const tooLong = { ...oral, until: "2026-04-11T03:59:59.999Z" };
    const message = refusal(() => check("US-HHS-individuals", start, [], tooLong, zone));
    assert.match(message, /at most 30 calendar days from the statement, until 2026-04-09 23:59/);
    assert.match(message, /164\.412/);
  });

  it("a written statement within those 30 days delays for the time it specifies; overlapping time counts once", () => {
    const oral = event("law_enforcement_delay", "2026-03-10T18:00:00Z", "2026-04-10T03:59:59.999Z", "oral");
    const written = event("law_enforcement_delay", "2026-04-01T14:00:00Z", "2026-06-01T14:00:00Z", "written");
    assert.doesNotThrow(() => check("US-HHS-individuals", start, [oral], written, zone));
    const original = due("US-HHS-individuals", start, [], zone).dueAt as Date;
    const delayed = due("US-HHS-individuals", start, [oral, written], zone);
    // The clock stood still from the oral statement (10 March) to the written one's end (1 June).
    const stopped = new Date(written.until as string).getTime() - new Date(oral.at).getTime();
    assert.equal(delayed.dueAt?.getTime(), original.getTime() + stopped);
  });

  it("stands the clock still in local days: a daylight-saving change inside the delay keeps the deadline's hour", () => {
    // 5 March 14:00 EST to 20 March 14:00 EDT: 15 local days, one hour less of elapsed time.
    const written = event("law_enforcement_delay", "2026-03-05T19:00:00Z", "2026-03-20T18:00:00Z", "written");
    assert.equal(due("US-HHS-individuals", start, [written], zone).dueLocal, "2026-05-16T23:59:59.999-04:00");
  });

  it("needs the statement's form, and refuses a delay asked after the deadline passed", () => {
    const noForm = event("law_enforcement_delay", "2026-03-10T18:00:00Z", "2026-03-20T18:00:00Z");
    assert.match(
      refusal(() => check("US-HHS-individuals", start, [], noForm, zone)),
      /written or oral/,
    );
    const late = event("law_enforcement_delay", "2026-05-03T18:00:00Z", "2026-05-20T18:00:00Z", "written");
    assert.match(
      refusal(() => check("US-HHS-individuals", start, [], late, zone)),
      /had passed/,
    );
  });

  it("moves the contemporaneous notice to the Secretary too (its 60-day outer limit)", () => {
    const written = event("law_enforcement_delay", "2026-03-10T18:00:00Z", "2026-03-20T18:00:00Z", "written");
    const before = due("US-HHS-secretary-500plus", start, [], zone).dueAt as Date;
    const after = due("US-HHS-secretary-500plus", start, [written], zone).dueAt as Date;
    assert.equal(after.getTime() - before.getTime(), 10 * DAY);
  });
});

describe("the SEC's Attorney General determination (Form 8-K Item 1.05(c))", () => {
  // Material on Monday 2 March 2026: four business days end on Friday 6 March (New York).
  const start = { code: "materiality_determination", at: "2026-03-02T15:00:00Z" };
  const endOf = (day: string, offset: string) => new Date(`${day}T23:59:59.999${offset}`).toISOString();

  it("allows 30 days after the date the 8-K was due, a further 30, then a final 60; no more", () => {
    assert.equal(due("US-SEC-8K-105", start, []).dueLocal, "2026-03-06T23:59:59.999-05:00");
    const first = event(
      "attorney_general_determination",
      "2026-03-04T15:00:00Z",
      endOf("2026-04-05", "-04:00"),
      "",
      "US Attorney General",
    );
    assert.doesNotThrow(() => check("US-SEC-8K-105", start, [], first));
    const tooLong = { ...first, until: endOf("2026-04-06", "-04:00") };
    assert.match(
      refusal(() => check("US-SEC-8K-105", start, [], tooLong)),
      /number 1\) may delay by at most 30 calendar days, until 2026-04-05 23:59.*Item 1\.05\(c\)/,
    );
    assert.equal(due("US-SEC-8K-105", start, [first]).dueAt?.toISOString(), first.until);

    const second = event("attorney_general_determination", "2026-04-01T15:00:00Z", endOf("2026-05-05", "-04:00"));
    assert.doesNotThrow(() => check("US-SEC-8K-105", start, [first], second));
    const third = event("attorney_general_determination", "2026-05-01T15:00:00Z", endOf("2026-07-04", "-04:00"));
    assert.doesNotThrow(() => check("US-SEC-8K-105", start, [first, second], third));
    assert.match(
      refusal(() => check("US-SEC-8K-105", start, [first, second], { ...third, until: endOf("2026-07-05", "-04:00") })),
      /at most 60 calendar days/,
    );
    const delayed = due("US-SEC-8K-105", start, [first, second, third]);
    assert.equal(delayed.dueAt?.toISOString(), third.until);
    assert.equal(delayed.delay?.originalDueAt?.toISOString(), endOf("2026-03-06", "-05:00"));

    const fourth = event("attorney_general_determination", "2026-06-20T15:00:00Z", endOf("2026-07-30", "-04:00"));
    assert.match(
      refusal(() => check("US-SEC-8K-105", start, [first, second, third], fourth)),
      /exemptive order/,
    );
  });

  it("refuses a determination the rule does not allow (a state's notice)", () => {
    const determination = event("attorney_general_determination", "2026-03-04T15:00:00Z", endOf("2026-04-05", "-05:00"));
    const message = refusal(() =>
      check("US-TX-regulator", { code: "determination", at: "2026-03-02T15:00:00Z" }, [], determination),
    );
    assert.match(message, /US-TX-regulator allows no Attorney General determination: its law provides no delay or extension/);
  });
});

describe("a US state's open-ended law-enforcement delay", () => {
  // Texas: determined on 2 March 2026; 60 days end on 1 May (America/Chicago).
  const start = { code: "determination", at: "2026-03-02T16:00:00Z" };

  it("leaves no due instant while law enforcement says notice would impede; the period counts again from the lifting", () => {
    const original = due("US-TX-individuals", start, []);
    assert.equal(original.dueLocal, "2026-05-01T23:59:59.999-05:00");
    const request = event("law_enforcement_delay", "2026-03-05T16:00:00Z", null, "", "Texas Rangers");
    assert.doesNotThrow(() => check("US-TX-individuals", start, [], request));
    const waiting = due("US-TX-individuals", start, [request]);
    assert.equal(waiting.dueAt, null);
    assert.equal(waiting.delay?.isSuspended, true);
    assert.equal(waiting.extendsTo, undefined);
    assert.match(waiting.basis, /no due instant until the delay is lifted/);
    // A second request while delayed, or a lifting before the request, is refused.
    assert.match(
      refusal(() => check("US-TX-individuals", start, [request], request)),
      /already delayed/,
    );
    const early = event("delay_lifted", "2026-03-04T16:00:00Z", null);
    assert.match(
      refusal(() => check("US-TX-individuals", start, [request], early)),
      /cannot be lifted before/,
    );

    const lifted = event("delay_lifted", "2026-04-20T15:00:00Z", null, "", "Texas Rangers");
    assert.doesNotThrow(() => check("US-TX-individuals", start, [request], lifted));
    const resumed = due("US-TX-individuals", start, [request, lifted]);
    // Lifted on 20 April (Chicago): 60 days after it end on 19 June.
    assert.equal(resumed.dueLocal, "2026-06-19T23:59:59.999-05:00");
    assert.equal(resumed.delay?.isSuspended, false);
    assert.equal(resumed.delay?.originalDueAt?.toISOString(), original.dueAt?.toISOString());
  });

  it("has nothing to lift without a delay, and a rule without the statute's delay refuses one", () => {
    const lifted = event("delay_lifted", "2026-04-20T15:00:00Z", null);
    assert.match(
      refusal(() => check("US-TX-individuals", start, [], lifted)),
      /no open law-enforcement delay/,
    );
    const request = event("law_enforcement_delay", "2026-03-05T16:00:00Z", null);
    assert.match(
      refusal(() => check("US-TX-regulator", start, [], request)),
      /allows no law-enforcement delay/,
    );
    assert.match(
      refusal(() => check("EU-GDPR-33", { code: "awareness", at: "2026-03-02T16:00:00Z" }, [], request)),
      /EU-GDPR-33 allows no law-enforcement delay: its law provides no delay or extension/,
    );
  });
});

describe("India's extension granted by the Board (DPDP Rules, Rule 7(2)(b))", () => {
  const start = { code: "awareness", at: "2026-03-02T04:30:00Z" };

  it("makes the period the Board allowed the deadline", () => {
    assert.equal(due("IN-DPDP-board-72h", start, []).dueAt?.toISOString(), "2026-03-05T04:30:00.000Z");
    const granted = event("extension_granted", "2026-03-04T10:00:00Z", "2026-03-12T12:30:00Z", "", "Data Protection Board");
    assert.doesNotThrow(() => check("IN-DPDP-board-72h", start, [], granted));
    const extended = due("IN-DPDP-board-72h", start, [granted]);
    assert.equal(extended.dueAt?.toISOString(), "2026-03-12T12:30:00.000Z");
    assert.match(extended.basis, /extension granted by Data Protection Board.*Rule 7\(2\)\(b\)/);
    // An "extension" to before the deadline it extends is refused.
    const shorter = { ...granted, until: "2026-03-04T12:00:00Z" };
    assert.match(
      refusal(() => check("IN-DPDP-board-72h", start, [], shorter)),
      /must be after/,
    );
  });
});

describe("the delays in the rule pack", () => {
  it("are on the rules whose law provides them, each citing the law itself", () => {
    const kinds = (id: string) => (rule(id).delays ?? []).map((d) => `${d.kind}:${d.effect}`);
    assert.deepEqual(kinds("US-HHS-individuals"), ["law_enforcement_delay:toll"]);
    assert.deepEqual(kinds("US-SEC-8K-105"), ["attorney_general_determination:extend"]);
    assert.deepEqual(kinds("IN-DPDP-board-72h"), ["extension_granted:extend"]);
    for (const id of ["US-CA-individuals", "US-TX-individuals", "US-NY-individuals", "US-FL-individuals", "US-IL-individuals"]) {
      assert.deepEqual(kinds(id), ["law_enforcement_delay:suspend"], id);
    }
    // DORA's next-working-day relief needs no event: it is the final report's roll-forward.
    assert.deepEqual(kinds("EU-DORA-final"), []);
    assert.equal(rule("EU-DORA-final").rollForward.policy, "noon_next_business_day");
    for (const r of rulePack.rules) for (const d of r.delays ?? []) assert.equal(d.citation.primary, true, r.id);
  });

  it("are validated: an unknown effect, caps on an open-ended delay, a commentary citation are refused", () => {
    const base = rule("US-SEC-8K-105");
    const withDelay = (delay: unknown) => () => loadRulePack({ version: "t", rules: [{ ...base, delays: [delay] }] });
    const good = base.delays?.[0];
    assert.ok(good);
    assert.doesNotThrow(withDelay(good));
    assert.throws(
      withDelay({ ...good, effect: "pause" }),
      (e: unknown) => e instanceof RulePackError && /delays\.0\.effect/.test(e.message),
    );
    assert.throws(
      withDelay({ ...good, effect: "suspend" }),
      (e: unknown) => e instanceof RulePackError && /open-ended \(suspend\) delay has no caps/.test(e.message),
    );
    assert.throws(
      withDelay({ ...good, citation: { ...good.citation, url: "https://example.com/8k", primary: false } }),
      (e: unknown) => e instanceof RulePackError && /must be the law itself/.test(e.message),
    );
    assert.throws(
      withDelay({ ...good, steps: [{ amount: 0, unit: "calendar_days" }] }),
      (e: unknown) => e instanceof RulePackError && /positive amount/.test(e.message),
    );
  });

  it("an obligation copied before rules carried delays takes the pack's", () => {
    const { delays: _d, ...older } = rule("US-HHS-individuals");
    assert.equal(delayRulesOf(older as typeof older & { delays?: undefined }).delays?.length, 1);
    assert.deepEqual(delaysOf({ delays: null }), []);
  });
});
