import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rulePack } from "../deadlines/rule-pack.policy.js";
import {
  incidentProfile,
  parseLocation,
  type Suggestion,
  type SuggestionFacts,
  suggestObligations,
} from "./obligation-suggestions.policy.js";

const today = new Date("2026-12-07T00:00:00Z");
const none: SuggestionFacts = { location: "", decisionRegimes: [], appliedRuleIds: [], at: today };
const find = (list: Suggestion[], id: string) => {
  const s = list.find((x) => x.rule.id === id);
  assert.ok(s, `${id} is listed`);
  return s;
};
const places = (...list: [string, number][]) => list.map(([code, count]) => ({ code, count }));
/** Linux Australia: an incorporated association in New South Wales, well under A$3 million. */
const linuxAustralia = {
  establishedIn: ["AU-NSW"],
  entityTypes: [] as string[],
  annualTurnover: { amount: 900_000, currency: "AUD" },
  offersToEU: false,
  offersToUK: false,
};

describe("every rule of the pack, applies / may apply / does not apply (issue 17)", () => {
  it("lists every rule not applied, those that apply first, then maybe, then no", () => {
    const { suggestions } = suggestObligations(rulePack.rules, { ...none, appliedRuleIds: ["EU-GDPR-33"] });
    assert.equal(suggestions.length, rulePack.rules.length - 1);
    assert.ok(!suggestions.some((s) => s.rule.id === "EU-GDPR-33"));
    const order = suggestions.map((s) => ({ yes: 0, maybe: 1, no: 2 })[s.applies]);
    assert.deepEqual(order, [...order].sort());
  });

  it("with nothing known, nothing is ticked: what depends on the profile is 'maybe'", () => {
    const { suggestions } = suggestObligations(rulePack.rules, none);
    assert.equal(suggestions.filter((s) => s.isPreselected).length, 0);
    assert.equal(find(suggestions, "EU-GDPR-33").applies, "maybe");
    assert.ok(suggestions.filter((s) => s.applies === "maybe").every((s) => !s.isPreselected));
  });

  it("a 2016 incident of an Australian small business: no NDB, no GDPR, with the reasons in words", () => {
    const facts = { ...none, at: new Date("2016-03-24T09:00:00+11:00"), organisation: linuxAustralia };
    const { suggestions } = suggestObligations(rulePack.rules, facts);
    const ndb = find(suggestions, "AU-NDB-oaic");
    assert.equal(ndb.applies, "no");
    assert.ok(ndb.reasons.some((r) => r.startsWith("not in force on 2016-03-24")));
    assert.ok(ndb.reasons.some((r) => r.includes("a small business under s 6D unless an exception applies")));
    const gdpr = find(suggestions, "EU-GDPR-33");
    assert.equal(gdpr.applies, "no");
    assert.equal(gdpr.isPreselected, false);
    assert.ok(suggestions.filter((s) => s.rule.jurisdiction.startsWith("AU")).every((s) => !s.isPreselected));
  });

  it("today, the NDB rules apply to the same organisation once it is an APP entity (an exception, or over the turnover)", () => {
    const small = suggestObligations(rulePack.rules, { ...none, organisation: linuxAustralia }).suggestions;
    assert.equal(find(small, "AU-NDB-oaic").applies, "no");
    const optedIn = { ...linuxAustralia, entityTypes: ["au-opted-in"] };
    const opted = suggestObligations(rulePack.rules, { ...none, organisation: optedIn }).suggestions;
    assert.equal(find(opted, "AU-NDB-oaic").applies, "yes");
    assert.equal(find(opted, "AU-NDB-oaic").isPreselected, true);
    const large = { ...linuxAustralia, annualTurnover: { amount: 3_500_000, currency: "AUD" } };
    const big = suggestObligations(rulePack.rules, { ...none, organisation: large }).suggestions;
    assert.ok(find(big, "AU-NDB-oaic").reasons.some((r) => r.includes("over A$3 million")));
    // Information only: never ticked, never pending.
    const pola = find(big, "AU-POLA-2024");
    assert.equal(pola.isInformation, true);
    assert.equal(pola.isPreselected, false);
  });

  it("counts the imported residents against a state's threshold: 312 Texans, then 100", () => {
    const us = { establishedIn: ["US-DE"], entityTypes: [], offersToEU: false, offersToUK: false };
    const facts = (n: number) => ({ ...none, organisation: us, peoplePlaces: places(["US-TX", n]) });
    const many = find(suggestObligations(rulePack.rules, facts(312)).suggestions, "US-TX-regulator");
    assert.ok(many.reasons.includes("312 residents of Texas, at least 250"), many.reasons.join(" | "));
    assert.notEqual(many.applies, "no");
    const few = find(suggestObligations(rulePack.rules, facts(100)).suggestions, "US-TX-regulator");
    assert.equal(few.applies, "no");
    assert.equal(few.isPreselected, false);
  });

  it("a non-EU organisation with residents in Germany and no offer to the EU: GDPR does not apply", () => {
    const org = { establishedIn: ["US-CA"], entityTypes: [], offersToEU: false, offersToUK: false };
    const { suggestions } = suggestObligations(rulePack.rules, { ...none, organisation: org, peoplePlaces: places(["DE", 40]) });
    const gdpr = find(suggestions, "EU-GDPR-34");
    assert.equal(gdpr.applies, "no");
    assert.match(gdpr.reasons.join(" "), /does not offer goods or services to or monitor people there \(Art\. 3\(2\)\)/);
  });

  it("the incident's location adds to where the organisation is established", () => {
    const { profile } = incidentProfile({ ...none, location: "au-nsw, UK", organisation: { establishedIn: ["DE"] } });
    assert.deepEqual(profile.establishedIn, ["DE", "AU-NSW", "GB"]);
    const { suggestions } = suggestObligations(rulePack.rules, { ...none, location: "DE", organisation: { offersToEU: false } });
    assert.equal(find(suggestions, "EU-GDPR-33").applies, "yes");
  });

  it("reads the data categories as data elements, leaving out the encrypted ones", () => {
    const { profile, encryptedCategories } = incidentProfile({
      ...none,
      dataCategories: [
        { id: "email_address", encrypted: "no" },
        { id: "credentials_passwords", encrypted: "unknown" },
        { id: "payment_card", encrypted: "yes" },
        { id: "employment", encrypted: "no" },
      ],
    });
    assert.deepEqual(profile.dataElements, ["email", "account-credentials"]);
    assert.deepEqual(encryptedCategories, ["payment_card"]);
    // None recorded: not known (maybe), not "none".
    assert.equal(incidentProfile(none).profile.dataElements, undefined);
  });

  it("government identifiers of a kind not recorded make a state naming only some kinds 'maybe'", () => {
    const org = { establishedIn: ["US-NY"], entityTypes: [] };
    const { suggestions } = suggestObligations(rulePack.rules, {
      ...none,
      organisation: org,
      peoplePlaces: places(["US-CA", 10]),
      dataCategories: [{ id: "government_id", encrypted: "no" }],
    });
    const ca = find(suggestions, "US-CA-individuals");
    assert.notEqual(ca.applies, "no");
  });

  it("Japan's two final reports are one choice: only one is ticked", () => {
    const org = { establishedIn: ["JP"], entityTypes: [] };
    const { suggestions } = suggestObligations(rulePack.rules, { ...none, organisation: org });
    const finals = ["JP-APPI-final", "JP-APPI-final-unlawful-purpose"].map((id) => find(suggestions, id));
    assert.equal(finals.filter((s) => s.isPreselected).length, 1);
    assert.ok(finals.every((s) => s.alternatives === "JP-APPI-final"));
    // One of them applied already: the other is not ticked.
    const after = suggestObligations(rulePack.rules, { ...none, organisation: org, appliedRuleIds: ["JP-APPI-final"] });
    assert.equal(find(after.suggestions, "JP-APPI-final-unlawful-purpose").isPreselected, false);
  });

  it("California's health facilities' rule is not ticked for any Californians", () => {
    const org = { establishedIn: ["US-CA"], entityTypes: [] };
    const { suggestions } = suggestObligations(rulePack.rules, {
      ...none,
      organisation: org,
      peoplePlaces: places(["US-CA", 40]),
    });
    assert.equal(find(suggestions, "US-CA-cdph").applies, "no");
    assert.equal(find(suggestions, "US-CA-cdph").isPreselected, false);
  });

  it("a rule that applies but whose clock only a hand-typed event starts is not ticked", () => {
    const org = { establishedIn: ["DE"], entityTypes: ["dora-financial-entity"] };
    const startable = new Set(["aware_suspected_breach", "aware_eligible_breach", "awareness"]);
    const { suggestions } = suggestObligations(rulePack.rules, { ...none, organisation: org, startableCodes: startable });
    const dora = find(suggestions, "EU-DORA-initial");
    assert.equal(dora.isPreselected, false);
    assert.match(dora.notes.join(" "), /starts only from an event you record by hand/);
  });

  it("reads locations leniently", () => {
    assert.deepEqual(parseLocation(" au, UK;us-ca "), ["AU", "GB", "US-CA"]);
  });
});
