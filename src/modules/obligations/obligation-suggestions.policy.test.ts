import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rulePack } from "../deadlines/rule-pack.policy.js";
import { parseLocation, parseThreshold, type Suggestion, suggestObligations } from "./obligation-suggestions.policy.js";

const none = { location: "", decisionRegimes: [], peopleCount: null, appliedRuleIds: [] };
const ids = (list: { rule: { id: string } }[]) => list.map((s) => s.rule.id);

describe("suggested obligations", () => {
  it("suggests nothing without a location or a decision", () => {
    assert.deepEqual(suggestObligations(rulePack.rules, none), []);
  });

  it("suggests the Australian rules for an organisation in AU, each explained and ticked", () => {
    const list = suggestObligations(rulePack.rules, { ...none, location: "AU" });
    assert.ok(ids(list).includes("AU-NDB-assess"));
    assert.ok(ids(list).every((id) => id.startsWith("AU-")));
    const assess = list.find((s) => s.rule.id === "AU-NDB-assess");
    assert.deepEqual(assess?.reasons, ["AU-NDB-assess: the organisation is in AU."]);
    assert.equal(assess?.isPreselected, true);
    assert.ok(assess?.notes.some((n) => n.startsWith("Conditions: Eligible data breach")));
  });

  it("reads a state code as within its country and a member state as within the EU", () => {
    const list = suggestObligations(rulePack.rules, { ...none, location: "au-nsw, DE" });
    const assess = list.find((s) => s.rule.id === "AU-NDB-assess");
    assert.match(assess?.reasons[0] ?? "", /in AU-NSW \(within AU\)/);
    assert.ok(ids(list).includes("EU-GDPR-33"));
  });

  it("suggests from the decision's regimes and leaves out rules already applied", () => {
    const list = suggestObligations(rulePack.rules, { ...none, decisionRegimes: ["EU-GDPR"], appliedRuleIds: ["EU-GDPR-34"] });
    assert.deepEqual(ids(list).sort(), ["EU-GDPR-33", "EU-GDPR-33-2"]);
    assert.equal(list[0]?.reasons[0]?.endsWith("the decision names EU-GDPR."), true);
  });

  it("lists sector regimes unticked, saying why", () => {
    const list = suggestObligations(rulePack.rules, { ...none, location: "US-CA" });
    const sec = list.find((s) => s.rule.id.startsWith("US-SEC"));
    assert.equal(sec?.isPreselected, false);
    assert.ok(sec?.notes[0]?.includes("binds only some organisations"));
    assert.equal(list.find((s) => s.rule.id === "US-CA-regulator")?.isPreselected, true);
  });

  it("applies a head-count threshold: below it unticked, above it 'may be met', unknown 'check'", () => {
    const facts = (peopleCount: number | null) => ({ ...none, location: "US-CA", peopleCount });
    const find = (peopleCount: number | null) =>
      suggestObligations(rulePack.rules, facts(peopleCount)).find((s) => s.rule.id === "US-CA-regulator");
    assert.equal(find(200)?.isPreselected, false);
    assert.ok(find(200)?.notes.includes("The latest assessment counts 200 people in all: the threshold is not met."));
    assert.equal(find(600)?.isPreselected, true);
    assert.ok(find(600)?.notes.some((n) => n.includes("may be met")));
    assert.ok(find(null)?.notes.includes("No head count is recorded yet: check the threshold."));
  });

  it("reads thresholds from the rules' condition text", () => {
    assert.deepEqual(parseThreshold("More than 1,000 Alabama residents"), { count: 1000, kind: "more_than" });
    assert.deepEqual(parseThreshold(">= 500 individuals (in total, all states)"), { count: 500, kind: "at_least" });
    assert.deepEqual(parseThreshold("< 500 individuals"), { count: 500, kind: "under" });
    assert.deepEqual(parseThreshold("500 or more Colorado residents"), { count: 500, kind: "at_least" });
    assert.deepEqual(parseThreshold("At least 250 Texas residents"), { count: 250, kind: "at_least" });
    assert.equal(parseThreshold("likely to result in serious harm"), null);
  });

  it("reads locations leniently", () => {
    assert.deepEqual(parseLocation(" au, UK;us-ca "), ["AU", "GB", "US-CA"]);
  });
});

describe("suggested obligations from where the imported people live", () => {
  const places = (...list: [string, number][]) => list.map(([code, count]) => ({ code, count }));
  const find = (list: Suggestion[], id: string) => list.find((s) => s.rule.id === id);

  it("brings in a state's rules for its residents, with the residents' threshold applied to them", () => {
    const list = suggestObligations(rulePack.rules, {
      ...none,
      location: "AU",
      peoplePlaces: places(["AU-NSW", 3000], ["US-CA", 600], ["US-TX", 120]),
    });
    const ca = find(list, "US-CA-regulator");
    assert.deepEqual(ca?.reasons, ["US-CA-regulator: 600 of the people imported live in US-CA."]);
    assert.ok(ca?.notes.includes("600 of the people imported live in US-CA: the threshold is met."));
    assert.equal(ca?.isPreselected, true);
    const tx = find(list, "US-TX-regulator");
    assert.ok(
      tx?.notes.includes("120 of the people imported live in US-TX: the threshold is not met by the people imported so far."),
    );
    assert.equal(tx?.isPreselected, false);
    assert.equal(find(list, "US-TX-individuals")?.isPreselected, true);
    // The organisation's own location and its residents both give a reason.
    assert.deepEqual(find(list, "AU-NDB-assess")?.reasons, [
      "AU-NDB-assess: the organisation is in AU.",
      "AU-NDB-assess: 3,000 of the people imported live in AU-NSW (within AU).",
    ]);
    assert.equal(find(list, "US-FL-regulator"), undefined);
  });

  it("sums the places of a wide jurisdiction, and takes the largest one state for a per-State count", () => {
    const list = suggestObligations(rulePack.rules, {
      ...none,
      decisionRegimes: ["US-HIPAA"],
      peoplePlaces: places(["FR", 2], ["DE", 1], ["US-CA", 400], ["US-NY", 300]),
    });
    assert.ok(find(list, "EU-GDPR-34")?.reasons.includes("EU-GDPR-34: 3 of the people imported live in FR, DE (within EU)."));
    const media = find(list, "US-HHS-media");
    assert.ok(
      media?.notes.includes("400 of the people imported live in US-CA: the threshold is not met by the people imported so far."),
    );
    assert.equal(media?.isPreselected, false);
    // ">= 500 individuals (in total, all states)" is a head count: the imported people with no assessment.
    const secretary = find(list, "US-HHS-secretary-500plus");
    assert.ok(
      secretary?.notes.some((n) =>
        n.startsWith("703 people imported in all, no assessment counts them yet: the threshold may be met"),
      ),
    );
  });

  it("prefers the assessment's head count, and says one person in the singular", () => {
    const list = suggestObligations(rulePack.rules, { ...none, peopleCount: 50, peoplePlaces: places(["NZ", 1]) });
    assert.deepEqual(find(list, "NZ-PA2020-commissioner")?.reasons, [
      "NZ-PA2020-commissioner: 1 of the people imported lives in NZ.",
    ]);
  });
});

describe("which suggestions are ticked (issue 13)", () => {
  const startable = new Set(["aware_suspected_breach", "aware_eligible_breach", "statement_prepared", "awareness"]);
  const base = { location: "AU", decisionRegimes: ["EU-DORA"], peopleCount: null, appliedRuleIds: [], startableCodes: startable };

  it("never ticks a declaration that sets no deadline, and marks it as information", () => {
    const pola = suggestObligations(rulePack.rules, base).find((s) => s.rule.id === "AU-POLA-2024");
    assert.ok(pola);
    assert.equal(pola.isPreselected, false);
    assert.equal(pola.isInformation, true);
    assert.match(pola.notes.join(" "), /sets no deadline and starts no clock/);
  });

  it("ticks the rules the incident's facts can start, not those only a hand-typed event starts", () => {
    const suggestions = suggestObligations(rulePack.rules, base);
    const ticked = (id: string) => suggestions.find((s) => s.rule.id === id)?.isPreselected;
    assert.equal(ticked("AU-NDB-assess"), true);
    assert.equal(ticked("AU-NDB-oaic"), true);
    const dora = suggestions.find((s) => s.rule.id === "EU-DORA-initial");
    assert.equal(dora?.isPreselected, false);
    assert.match(
      dora?.notes.join(" ") ?? "",
      /starts only from an event you record by hand \(We classified the ICT incident as major/,
    );
  });
});

describe("suggestions that do not apply are listed, never ticked (issue 17)", () => {
  const base = { location: "AU", decisionRegimes: [], peopleCount: null, appliedRuleIds: [] };
  const find = (list: Suggestion[], id: string) => list.find((s) => s.rule.id === id);

  it("an incident discovered in 2016 gets the NDB rules and GDPR listed as not in force, unticked", () => {
    const list = suggestObligations(rulePack.rules, { ...base, location: "AU, DE", at: new Date("2016-03-22T09:30:00+11:00") });
    for (const id of ["AU-NDB-assess", "AU-NDB-oaic", "EU-GDPR-33"]) {
      const s = find(list, id);
      assert.ok(s, id);
      assert.equal(s.isPreselected, false, id);
      assert.match(s.notes.join(" "), /Does not apply: not in force on 2016-03-2\d \(in force from 2018-0\d-\d\d\)/);
    }
    const now = suggestObligations(rulePack.rules, { ...base, at: new Date("2026-12-07T00:00:00Z") });
    assert.equal(find(now, "AU-NDB-assess")?.isPreselected, true);
  });

  it("Japan's two final reports are one choice: only one is ticked", () => {
    const list = suggestObligations(rulePack.rules, { ...base, location: "JP", at: new Date("2026-12-07T00:00:00Z") });
    const finals = ["JP-APPI-final", "JP-APPI-final-unlawful-purpose"].map((id) => find(list, id));
    assert.deepEqual(
      finals.map((s) => s?.isPreselected),
      [true, false],
    );
    assert.match(finals[1]?.notes.join(" ") ?? "", /An alternative to JP-APPI-final: only one of them applies/);
  });

  it("California's health facilities' rule is not ticked for any Californians", () => {
    const list = suggestObligations(rulePack.rules, {
      ...base,
      location: "US",
      peoplePlaces: [{ code: "US-CA", count: 40 }],
      at: new Date("2026-12-07T00:00:00Z"),
    });
    const cdph = find(list, "US-CA-cdph");
    assert.equal(cdph?.isPreselected, false);
    assert.match(cdph?.notes.join(" ") ?? "", /Binds only a licensed California clinic/);
    assert.equal(find(list, "US-CA-individuals")?.isPreselected, true);
  });
});
