import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rulePack } from "../deadlines/rule-pack.js";
import { parseLocation, parseThreshold, suggestFromPeopleAddresses, suggestObligations } from "./obligation-suggestions.js";

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

  it("reads locations leniently and suggests nothing from people yet", () => {
    assert.deepEqual(parseLocation(" au, UK;us-ca "), ["AU", "GB", "US-CA"]);
    assert.deepEqual(suggestFromPeopleAddresses("any"), []);
  });
});
