import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeRiskRule, parsePersonCategories, type RiskRuleBasis, riskUnderRule } from "./person-risk.policy.js";

const at = new Date("2016-03-26T01:00:00Z");
const likely = (categoryIds: string[]): RiskRuleBasis => ({ assessedAt: at, seriousHarmLikely: "likely", categoryIds });
const incident = ["email_address", "postal_address", "password_hashes"];

describe("the risk rule", () => {
  it("sets nobody's risk before an assessment, or when it cannot say whether serious harm is likely", () => {
    assert.equal(riskUnderRule(null, ["password_hashes"], incident), null);
    assert.equal(riskUnderRule({ assessedAt: at, seriousHarmLikely: "unknown", categoryIds: [] }, null, incident), null);
  });

  it("puts nobody at risk when serious harm is not likely", () => {
    assert.equal(
      riskUnderRule({ assessedAt: at, seriousHarmLikely: "unlikely", categoryIds: ["password_hashes"] }, null, incident),
      false,
    );
  });

  it("puts a person at risk when their data includes a category the assessment covered", () => {
    const basis = likely(["password_hashes"]);
    assert.equal(riskUnderRule(basis, ["email_address", "password_hashes"], incident), true);
    assert.equal(riskUnderRule(basis, ["email_address"], incident), false);
    assert.equal(riskUnderRule(basis, [], incident), false, "a person with no data of the incident");
  });

  it("gives a person without categories of their own all of the incident's", () => {
    assert.equal(riskUnderRule(likely(["password_hashes"]), null, incident), true);
    assert.equal(riskUnderRule(likely(["health"]), null, incident), false);
    // Nothing is known of their data: the careful answer.
    assert.equal(riskUnderRule(likely(["health"]), null, []), true);
  });

  it("puts everyone at risk when a likely assessment names no category", () => {
    assert.equal(riskUnderRule(likely([]), ["email_address"], incident), true);
  });

  it("says the rule in words, naming the categories", () => {
    const name = (id: string) => ({ password_hashes: "Password hashes", postal_address: "Postal address" })[id] ?? id;
    const when = "26 Mar 2016, 12:00";
    assert.match(describeRiskRule(null, name, when), /there is none yet: nobody is at risk unless/);
    assert.match(
      describeRiskRule(likely(["password_hashes", "postal_address"]), name, when),
      /^Risk is set from the assessment of 26 Mar 2016, 12:00: serious harm is likely, and a person is at risk when their data includes Password hashes or Postal address/,
    );
    assert.match(describeRiskRule({ ...likely([]), seriousHarmLikely: "unlikely" }, name, when), /serious harm is not likely/);
    assert.match(describeRiskRule({ ...likely([]), seriousHarmLikely: "unknown" }, name, when), /cannot say/);
  });

  it("reads a person's category list, null meaning all of the incident's", () => {
    assert.deepEqual(parsePersonCategories('["a","b"]'), ["a", "b"]);
    assert.equal(parsePersonCategories(null), null);
    assert.equal(parsePersonCategories("not json"), null);
  });
});
