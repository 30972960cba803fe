import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findRule } from "../deadlines/rule-pack.policy.js";
import {
  assessmentCloses,
  coverageOutcome,
  describeMetBy,
  isAssessmentRule,
  isNotifyIndividualsRule,
  isOpenToWork,
  peopleScopeOf,
} from "./obligation-closing.policy.js";

const rule = (id: string) => {
  const found = findRule(id);
  assert.ok(found, id);
  return found;
};
const work = { id: "a1", assessedAt: new Date("2016-04-01T00:00:00Z"), assessedBy: "Joshua", seriousHarmLikely: "likely" };

describe("which work closes which obligation", () => {
  it("an assessment closes the assessment windows only", () => {
    assert.deepEqual(
      ["AU-NDB-assess", "SG-PDPA-assess", "AU-NDB-oaic", "AU-NDB-individuals", "EU-GDPR-33-2"].filter((id) =>
        isAssessmentRule(rule(id)),
      ),
      ["AU-NDB-assess", "SG-PDPA-assess"],
    );
  });

  it("an assessment closes its window when it concluded in time", () => {
    assert.deepEqual(assessmentCloses({ dueAt: new Date("2016-04-23T14:00:00Z") }, work), { closes: true });
    assert.equal(assessmentCloses({ dueAt: null }, work).closes, true);
    const late = assessmentCloses({ dueAt: new Date("2016-03-30T00:00:00Z") }, work);
    assert.equal(late.closes, false);
    assert.equal(assessmentCloses({ dueAt: null }, { ...work, seriousHarmLikely: "unknown" }).closes, false);
  });

  it("coverage closes the obligations to tell the people", () => {
    assert.equal(isNotifyIndividualsRule(rule("AU-NDB-individuals")), true);
    assert.equal(isNotifyIndividualsRule(rule("AU-NDB-oaic")), false);
    const outcome = coverageOutcome(
      { affected: 5000, told: 5000, byEmail: 4886, anotherWay: 114, isComplete: true },
      work.assessedAt,
      "/x",
    );
    assert.equal(outcome.metBy, "coverage");
    assert.match(outcome.evidenceNote, /5,000 of 5,000 people told \(4,886 by e-mail, 114 another way\)/);
  });

  it("the people an obligation concerns: everyone when the organisation is under the law, else its residents", () => {
    assert.deepEqual(peopleScopeOf(rule("AU-NDB-individuals"), "AU, AU-NSW"), {});
    assert.deepEqual(peopleScopeOf(rule("GB-UKGDPR-34"), "AU"), { places: ["GB"] });
    assert.ok(peopleScopeOf(rule("EU-GDPR-34"), "AU").places?.includes("IE"));
  });

  it("a person's undo holds an obligation open to the work", () => {
    assert.equal(isOpenToWork({ status: "pending", isAutoCloseHeld: false }), true);
    assert.equal(isOpenToWork({ status: "pending", isAutoCloseHeld: true }), false);
    assert.equal(isOpenToWork({ status: "met", isAutoCloseHeld: false }), false);
    assert.equal(describeMetBy("assessment:a1"), "the risk assessment");
    assert.equal(describeMetBy(""), null);
  });
});
