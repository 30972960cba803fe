import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ApplicabilityProfile, assessApplicability } from "./applicability.policy.js";
import { loadRulePack, type Rule, rulePack } from "./rule-pack.policy.js";

const rule = (id: string): Rule => {
  const found = rulePack.byId.get(id);
  assert.ok(found, id);
  return found;
};
const answer = (id: string, profile: ApplicabilityProfile) => assessApplicability(rule(id), profile);
const today = new Date("2026-12-07T02:00:00Z");
/** Linux Australia: an incorporated association in New South Wales, far under A$3 million. */
const linuxAustralia: ApplicabilityProfile = {
  at: new Date("2016-03-24T09:00:00+11:00"),
  establishedIn: ["AU-NSW"],
  entityTypes: [],
  annualTurnover: { amount: 400_000, currency: "AUD" },
  offersToEU: false,
  offersToUK: false,
  residents: { AU: 600, "AU-NSW": 200, DE: 4 },
  dataElements: ["name", "email", "postal-address"],
};

describe("applicability: the date", () => {
  it("answers no for a rule not yet in force, with the day in the rule's zone", () => {
    const a = answer("AU-NDB-oaic", linuxAustralia);
    assert.equal(a.applies, "no");
    assert.equal(a.reasons[0], "not in force on 2016-03-24 (in force from 2018-02-22)");
    const gdpr = answer("EU-GDPR-33", linuxAustralia);
    assert.equal(gdpr.applies, "no");
    // 09:00 in Sydney is still the 23rd in Brussels.
    assert.equal(gdpr.reasons[0], "not in force on 2016-03-23 (in force from 2018-05-25)");
  });

  it("answers no for a rule no longer in force (PECR's 24 hours ended on 2025-08-19)", () => {
    const a = answer("GB-PECR-5A-pre-2025-08-20", { at: today, establishedIn: ["GB"], entityTypes: ["telecom-provider"] });
    assert.equal(a.applies, "no");
    assert.match(a.reasons[0] ?? "", /^no longer in force on 2026-12-07 \(in force until 2025-08-19\)$/);
  });

  it("answers maybe, saying so, for a rule whose applicability is not yet data", () => {
    const { applicability: _, ...bare } = rule("CA-PIPEDA-opc");
    const a = assessApplicability(bare, { at: today });
    assert.equal(a.applies, "maybe");
    assert.ok(a.reasons.includes("applicability not yet recorded as data"));
  });

  it("a law that reaches beyond its borders: established there, yes; elsewhere, maybe with why", () => {
    assert.equal(answer("CA-PIPEDA-opc", { at: today, establishedIn: ["CA-ON"] }).applies, "yes");
    const elsewhere = answer("CA-PIPEDA-opc", { at: today, establishedIn: ["US-NY"] });
    assert.equal(elsewhere.applies, "maybe");
    assert.ok(
      elsewhere.reasons.includes("not established in Canada; the law may reach organisations elsewhere (not recorded as data)"),
    );
  });
});

describe("applicability: Australia's small businesses (Privacy Act s 6D)", () => {
  const now = { ...linuxAustralia, at: today };
  it("a small business with no exception: the NDB rules do not apply", () => {
    const a = answer("AU-NDB-oaic", now);
    assert.equal(a.applies, "no");
    assert.ok(
      a.reasons.some((r) => r.includes("small business under s 6D unless an exception applies")),
      a.reasons.join("\n"),
    );
  });
  it("over A$3 million: an APP entity, the NDB rules apply", () => {
    const a = answer("AU-NDB-oaic", { ...now, annualTurnover: { amount: 3_000_001, currency: "AUD" } });
    assert.equal(a.applies, "yes");
    assert.ok(a.reasons.includes("annual turnover A$3,000,001, over A$3 million: not a small business (s 6D), an APP entity"));
  });
  it("exactly A$3 million is still a small business", () => {
    assert.equal(answer("AU-NDB-oaic", { ...now, annualTurnover: { amount: 3_000_000, currency: "AUD" } }).applies, "no");
  });
  it("an exception of s 6D(4) makes it an APP entity under the turnover", () => {
    const a = answer("AU-NDB-individuals", { ...now, entityTypes: ["au-health-service-provider"] });
    assert.equal(a.applies, "yes");
    assert.ok(a.reasons.includes("an APP entity: a health service provider (s 6D(4)(b))"));
  });
  it("turnover unknown or in another currency: maybe", () => {
    const { annualTurnover: _, ...unknown } = now;
    assert.equal(answer("AU-NDB-oaic", unknown).applies, "maybe");
    assert.equal(answer("AU-NDB-oaic", { ...now, annualTurnover: { amount: 9e6, currency: "USD" } }).applies, "maybe");
  });
  it("AU-POLA-2024 is information only, whatever it answers", () => {
    const a = answer("AU-POLA-2024", { ...now, entityTypes: ["app-entity"] });
    assert.equal(a.applies, "yes");
    assert.equal(a.informationOnly, true);
    assert.ok(a.reasons.includes("information only: never a pending obligation"));
  });
});

describe("applicability: GDPR's and the UK GDPR's reach (Art. 3)", () => {
  const nonEu: ApplicabilityProfile = {
    at: today,
    establishedIn: ["US-CA"],
    offersToEU: false,
    offersToUK: false,
    residents: { DE: 40 },
  };
  it("residents in Germany alone do not bring GDPR to a non-EU organisation that does not offer to the EU", () => {
    const a = answer("EU-GDPR-33", nonEu);
    assert.equal(a.applies, "no");
    assert.ok(
      a.reasons.includes("not established in the EU and does not offer goods or services to or monitor people there (Art. 3(2))"),
      a.reasons.join("\n"),
    );
  });
  it("offering goods or services to people in the EU brings it (Art. 3(2))", () => {
    const a = answer("EU-GDPR-34", { ...nonEu, offersToEU: true });
    assert.equal(a.applies, "yes");
    assert.ok(a.reasons.includes("offers goods or services to, or monitors, people in the EU (Art. 3(2))"));
  });
  it("an establishment in a member state brings GDPR; the UK is not in the EU", () => {
    assert.deepEqual(answer("EU-GDPR-33", { ...nonEu, establishedIn: ["DE-BY"] }).reasons[1], "established in DE-BY (the EU)");
    assert.equal(answer("EU-GDPR-33", { ...nonEu, establishedIn: ["GB"] }).applies, "no");
    assert.equal(answer("GB-UKGDPR-33", { ...nonEu, establishedIn: ["GB"] }).applies, "yes");
  });
  it("whether it offers to the EU not given: maybe, naming the key", () => {
    const { offersToEU: _, ...unknown } = nonEu;
    const a = answer("EU-GDPR-33", unknown);
    assert.equal(a.applies, "maybe");
    assert.match(a.reasons.join("\n"), /offersToEU/);
  });
});

describe("applicability: US states by residents and data elements", () => {
  const us = (texans: number, more: Record<string, number> = {}): ApplicabilityProfile => ({
    at: today,
    establishedIn: ["US-DE"],
    residents: { "US-TX": texans, ...more },
    dataElements: ["name", "ssn"],
  });
  it("312 Texans: the Attorney General's notice applies (at least 250)", () => {
    const a = answer("US-TX-regulator", us(312));
    assert.equal(a.applies, "yes");
    assert.ok(a.reasons.includes("312 residents of Texas, at least 250"), a.reasons.join("\n"));
  });
  it("100 Texans: it does not; 100 and 150 known only as US: maybe", () => {
    const a = answer("US-TX-regulator", us(100));
    assert.equal(a.applies, "no");
    assert.ok(a.reasons.includes("100 residents of Texas, not at least 250"));
    const b = answer("US-TX-regulator", us(100, { US: 150 }));
    assert.equal(b.applies, "maybe");
    assert.ok(b.reasons.includes("100 residents of Texas and 150 known only as US, who may live there (at least 250)"));
  });
  it("people known only as US make every state's individuals' notice a maybe, not nothing", () => {
    assert.equal(answer("US-OH-individuals", { ...us(0), residents: { US: 150 } }).applies, "maybe");
    assert.equal(answer("US-OH-individuals", us(5)).applies, "no");
  });
  it("only kinds of information no state law names: maybe where the list is the common core, no where it is the statute's", () => {
    const profile = { ...us(10), residents: { "US-FL": 10 }, dataElements: ["email"] };
    const florida = rule("US-FL-individuals");
    const core = {
      ...florida,
      applicability: { ...florida.applicability, dataElements: { anyOf: ["ssn" as const], complete: false } },
    };
    assert.equal(assessApplicability(core, profile).applies, "maybe");
    // Fla. Stat. 501.171(1)(g), read: an e-mail address alone (without its password) is not in it.
    assert.equal(answer("US-FL-individuals", profile).applies, "no");
  });
  it("Texas's own list (Bus. & Com. Code 521.002(a)(2)), read from the statute: e-mails or passwords alone are not in it", () => {
    const emails = answer("US-TX-individuals", { ...us(10), dataElements: ["email", "account-credentials"] });
    assert.equal(emails.applies, "no");
    assert.match(emails.reasons.join(" "), /the law names only Social Security numbers/);
    assert.equal(answer("US-TX-individuals", { ...us(10), dataElements: ["health-insurance"] }).applies, "yes");
    assert.equal(answer("US-TX-individuals", { ...us(10), dataElements: ["identity-document"] }).applies, "yes");
  });
  it("California's health facilities' rule binds only licensed facilities", () => {
    const californians = { at: today, residents: { "US-CA": 20 }, dataElements: ["medical"], entityTypes: [] };
    assert.equal(answer("US-CA-cdph", californians).applies, "no");
    assert.equal(answer("US-CA-cdph", { ...californians, entityTypes: ["california-licensed-health-facility"] }).applies, "yes");
    assert.equal(
      answer("US-CA-cdph", { ...californians, dataElements: ["ssn"], entityTypes: ["california-licensed-health-facility"] })
        .applies,
      "no",
    );
  });
  it("HIPAA binds covered entities; a profile without entity types gets maybe", () => {
    assert.equal(answer("US-HHS-individuals", { at: today, entityTypes: ["hipaa-covered-entity"] }).applies, "yes");
    assert.equal(answer("US-HHS-individuals", { at: today, entityTypes: ["sec-registrant"] }).applies, "no");
    assert.equal(answer("US-HHS-individuals", { at: today }).applies, "maybe");
  });
});

describe("applicability: alternatives and the pack's data", () => {
  it("Japan's two final reports are one group of alternatives", () => {
    const profile = { at: today, establishedIn: ["JP"] };
    const a = answer("JP-APPI-final", profile);
    const b = answer("JP-APPI-final-unlawful-purpose", profile);
    assert.equal(a.alternatives, "JP-APPI-final");
    assert.equal(b.alternatives, "JP-APPI-final");
  });
  it("every rule of the pack has its applicability as data", () => {
    const missing = rulePack.rules.filter((r) => !r.applicability).map((r) => r.id);
    assert.deepEqual(missing, []);
  });
  it("the loader refuses an unknown entity type or data element", () => {
    const bad = structuredClone(rule("US-TX-regulator")) as unknown as Record<string, unknown>;
    bad.applicability = { entityTypes: ["bank-of-mars"], dataElements: { anyOf: ["shoe-size"], complete: true } };
    assert.throws(
      () => loadRulePack({ version: "t", rules: [bad] }),
      (error: Error) =>
        /unknown entity type "bank-of-mars"/.test(error.message) && /unknown data element "shoe-size"/.test(error.message),
    );
  });
});
