// Worked cases for the Australian and US regimes added by issue 17 (item 3): each rule's due
// instant for a concrete trigger, worked out by hand from the law's words (hours as elapsed time
// across daylight-saving changes, business days over the place's public holidays), and who each
// rule binds.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseInstant } from "../../lib/instants.js";
import { type ApplicabilityProfile, assessApplicability } from "./applicability.policy.js";
import { computeDeadline, type DeadlineOptions } from "./compute-deadline.policy.js";
import { findRule, isOfficialSourceUrl, REGIME_CODES, type Rule, rulePack } from "./rule-pack.policy.js";

const ADDED = {
  "AU-APRA": ["AU-APRA-CPS234-incident", "AU-APRA-CPS234-weakness"],
  "AU-SOCI": ["AU-SOCI-30BC", "AU-SOCI-30BC-written", "AU-SOCI-30BD", "AU-SOCI-30BD-written"],
  "AU-CSA": ["AU-CSA-27"],
  "US-BANK": ["US-OCC-53.3", "US-FRB-225.302", "US-FDIC-304.23", "US-BSP-customers"],
  "US-FCC": ["US-FCC-64.2011-agencies", "US-FCC-64.2011-customers"],
  "US-HBNR": ["US-FTC-HBNR-individuals", "US-FTC-HBNR-ftc", "US-FTC-HBNR-ftc-pre-2024-07-29", "US-FTC-HBNR-ftc-log"],
  "US-REGSP": ["US-SEC-RegSP-individuals"],
  "US-DFARS": ["US-DFARS-252.204-7012"],
  "US-NYDFS": ["US-NY-DFS-500.17c-notice", "US-NY-DFS-500.17c-explanation"],
  "US-INS": ["US-INS-SC", "US-INS-AL", "US-INS-IA", "US-INS-LA", "US-INS-ND"],
  "US-SEC": ["US-SEC-8K-105-amendment"],
} as const;

/** An instant from a local time and zone like "2026-04-03T09:30[Australia/Sydney]". */
function at(text: string): Date {
  const zoned = /^(.+)\[(.+)\]$/.exec(text);
  assert.ok(zoned, text);
  return parseInstant(zoned[1] ?? "", zoned[2] ?? "").at;
}

function rule(id: string): Rule {
  const found = findRule(id);
  assert.ok(found, `${id} is in the pack`);
  return found;
}

/** The due instant in the rule's zone (or the override's), as ISO 8601 with its offset. */
function dueLocal(id: string, trigger: string, options?: DeadlineOptions): string | null {
  return computeDeadline(rule(id), at(trigger), options).dueLocal;
}

function applies(id: string, profile: Omit<ApplicabilityProfile, "at"> & { at: string }) {
  return assessApplicability(rule(id), { ...profile, at: at(profile.at) });
}

describe("the Australian and US regimes of issue 17", () => {
  it("are in the pack, each citing the law itself first, with its applicability as data", () => {
    for (const [code, ids] of Object.entries(ADDED)) {
      assert.ok(Object.hasOwn(REGIME_CODES, code), code);
      for (const id of ids) {
        const r = rule(id);
        assert.equal(r.regimeCode, code, id);
        assert.ok(r.citations[0]?.primary && r.citations[0].url && isOfficialSourceUrl(r.citations[0].url), id);
        assert.ok(r.applicability?.entityTypes?.length, `${id} names the kind of entity it binds`);
        assert.ok(r.inForce.from || r.openQuestions, `${id}: a date in force, or an open question saying why not`);
      }
    }
  });
});

describe("Australia", () => {
  it("CPS 234: 72 hours from becoming aware, across the end of daylight saving (Easter 2026), end at 08:30 AEST", () => {
    // 09:30 AEDT (+11) on Good Friday is 22:30 UTC on the 2nd; 72 elapsed hours later is 22:30 UTC on
    // the 5th, 08:30 AEST (+10): the clocks went back at 03:00 on Sunday 5 April.
    assert.equal(dueLocal("AU-APRA-CPS234-incident", "2026-04-03T09:30[Australia/Sydney]"), "2026-04-06T08:30:00.000+10:00");
  });

  it("CPS 234: 10 business days for a control weakness skip Good Friday and Easter Monday (NSW), ending on 20 April", () => {
    // Counted from Good Friday (excluded): 7-10 April (4), 13-17 (9), 20 April (10); Monday 6 April is Easter Monday.
    assert.equal(dueLocal("AU-APRA-CPS234-weakness", "2026-04-03T09:30[Australia/Sydney]"), "2026-04-20T23:59:59.999+10:00");
  });

  it("CPS 234: an entity in Perth counts its 10 business days over Western Australia Day (1 June 2026)", () => {
    const perth = { zone: "Australia/Perth", holidays: { country: "AU", state: "WA" } };
    // From Friday 29 May: Monday 1 June is a WA public holiday, so 2-5 June (4), 8-12 (9), 15 June (10).
    assert.equal(
      dueLocal("AU-APRA-CPS234-weakness", "2026-05-29T10:00[Australia/Perth]", perth),
      "2026-06-15T23:59:59.999+08:00",
    );
    // Counted in Sydney with NSW holidays, 1 June is a working day but 8 June (King's Birthday) is not: 1-5 June (5), 9-12 (9), 15 June (10).
    assert.equal(dueLocal("AU-APRA-CPS234-weakness", "2026-05-29T12:00[Australia/Sydney]"), "2026-06-15T23:59:59.999+10:00");
    assert.equal(
      computeDeadline(rule("AU-APRA-CPS234-weakness"), at("2026-05-29T10:00[Australia/Perth]"), perth).zone,
      "Australia/Perth",
    );
  });

  it("SOCI Act s 30BC: 12 hours from 23:00 AEDT on 4 April 2026 end at 10:00 AEST (an hour of wall clock lost to the change)", () => {
    assert.equal(dueLocal("AU-SOCI-30BC", "2026-04-04T23:00[Australia/Sydney]"), "2026-04-05T10:00:00.000+10:00");
  });

  it("SOCI Act: the written record of an oral report is due 84 hours (s 30BC) or 48 hours (s 30BD) after the oral report", () => {
    assert.equal(dueLocal("AU-SOCI-30BC-written", "2026-04-05T10:00[Australia/Sydney]"), "2026-04-08T22:00:00.000+10:00");
    assert.equal(dueLocal("AU-SOCI-30BD-written", "2026-10-03T18:00[Australia/Sydney]"), "2026-10-05T19:00:00.000+11:00");
  });

  it("SOCI Act s 30BD: 72 hours from becoming aware, across the start of daylight saving (4 October 2026)", () => {
    // 12:00 AEST (+10) on Friday 2 October is 02:00 UTC; 72 hours later is 02:00 UTC on the 5th, 13:00 AEDT.
    assert.equal(dueLocal("AU-SOCI-30BD", "2026-10-02T12:00[Australia/Sydney]"), "2026-10-05T13:00:00.000+11:00");
  });

  it("Cyber Security Act 2024 s 27: 72 hours after the ransomware payment, in force from 30 May 2025", () => {
    assert.equal(dueLocal("AU-CSA-27", "2025-05-30T16:00[Australia/Sydney]"), "2025-06-02T16:00:00.000+10:00");
    const entity = { establishedIn: ["AU-VIC"], entityTypes: ["au-ransomware-reporting-entity"] };
    assert.equal(applies("AU-CSA-27", { ...entity, at: "2025-05-30T09:00[Australia/Sydney]" }).applies, "yes");
    const before = applies("AU-CSA-27", { ...entity, at: "2025-05-29T09:00[Australia/Sydney]" });
    assert.equal(before.applies, "no");
    assert.ok(before.reasons.includes("not in force on 2025-05-29 (in force from 2025-05-30)"), before.reasons.join("; "));
  });

  it("binds only the entities the law names: APRA-regulated entities, SOCI responsible entities", () => {
    const today = "2026-12-07T09:00[Australia/Sydney]";
    assert.equal(applies("AU-APRA-CPS234-incident", { at: today, entityTypes: ["apra-regulated-entity"] }).applies, "yes");
    assert.equal(applies("AU-APRA-CPS234-incident", { at: today, entityTypes: ["app-entity"] }).applies, "no");
    assert.equal(applies("AU-APRA-CPS234-incident", { at: today }).applies, "maybe");
    const soci = applies("AU-SOCI-30BC", { at: today, establishedIn: ["AU-NSW"], entityTypes: ["soci-responsible-entity"] });
    assert.equal(soci.applies, "yes");
    const early = applies("AU-SOCI-30BC", {
      at: "2022-07-07T09:00[Australia/Sydney]",
      establishedIn: ["AU-NSW"],
      entityTypes: ["soci-responsible-entity"],
    });
    assert.equal(early.applies, "no");
  });
});

describe("United States: federal rules", () => {
  it("bank regulators: 36 hours from a determination at 20:00 EST on Saturday 7 March 2026 end at 09:00 EDT on Monday", () => {
    // 01:00 UTC on the 8th + 36 h = 13:00 UTC on the 9th; the clocks went forward at 02:00 on the 8th.
    for (const id of ["US-OCC-53.3", "US-FRB-225.302", "US-FDIC-304.23"])
      assert.equal(dueLocal(id, "2026-03-07T20:00[America/New_York]"), "2026-03-09T09:00:00.000-04:00", id);
  });

  it("bank regulators: each rule binds only the banking organizations its agency supervises", () => {
    const today = "2026-12-07T09:00[America/New_York]";
    assert.equal(applies("US-FDIC-304.23", { at: today, entityTypes: ["fdic-supervised-bank"] }).applies, "yes");
    assert.equal(applies("US-OCC-53.3", { at: today, entityTypes: ["fdic-supervised-bank"] }).applies, "no");
    assert.equal(
      applies("US-OCC-53.3", { at: "2022-04-30T09:00[America/New_York]", entityTypes: ["occ-supervised-bank"] }).applies,
      "no",
    );
  });

  it("bank service provider: 'as soon as possible' has no computed due instant", () => {
    const d = computeDeadline(rule("US-BSP-customers"), at("2026-03-07T20:00[America/New_York]"));
    assert.equal(d.dueAt, null);
    assert.match(d.basis, /as soon as possible/);
  });

  it("FCC: seven business days from a determination on 1 July 2026 skip Friday 3 July (Independence Day observed)", () => {
    // 2 July (1), 6-10 July (6), 13 July (7).
    assert.equal(dueLocal("US-FCC-64.2011-agencies", "2026-07-01T15:00[America/New_York]"), "2026-07-13T23:59:59.999-04:00");
    assert.equal(dueLocal("US-FCC-64.2011-customers", "2026-07-01T15:00[America/New_York]"), "2026-07-31T23:59:59.999-04:00");
  });

  it("FTC Health Breach Notification Rule: 60 calendar days from 31 January 2024 reach 31 March (a leap year's February)", () => {
    assert.equal(dueLocal("US-FTC-HBNR-individuals", "2024-01-31T11:00[America/New_York]"), "2024-03-31T23:59:59.999-04:00");
  });

  it("FTC HBNR: the FTC's notice moved from ten business days to 60 calendar days on 29 July 2024", () => {
    // Discovered 1 July 2024: 2-3 July (2), 5 July (3; the 4th is a holiday), 8-12 (8), 15-16 July (10).
    assert.equal(
      dueLocal("US-FTC-HBNR-ftc-pre-2024-07-29", "2024-07-01T11:00[America/New_York]"),
      "2024-07-16T23:59:59.999-04:00",
    );
    assert.equal(dueLocal("US-FTC-HBNR-ftc", "2024-08-01T11:00[America/New_York]"), "2024-09-30T23:59:59.999-04:00");
    const vendor = { entityTypes: ["phr-vendor"], residents: { "US-CA": 400, "US-TX": 200 } };
    assert.equal(
      applies("US-FTC-HBNR-ftc-pre-2024-07-29", { ...vendor, at: "2024-07-01T11:00[America/New_York]" }).applies,
      "yes",
    );
    assert.equal(applies("US-FTC-HBNR-ftc", { ...vendor, at: "2024-07-01T11:00[America/New_York]" }).applies, "no");
    assert.equal(applies("US-FTC-HBNR-ftc", { ...vendor, at: "2024-08-01T11:00[America/New_York]" }).applies, "yes");
    assert.equal(applies("US-FTC-HBNR-ftc-log", { ...vendor, at: "2024-08-01T11:00[America/New_York]" }).applies, "no");
  });

  it("FTC HBNR: the annual log of breaches under 500 people is due 60 days after the year ends (1 March 2026)", () => {
    assert.equal(dueLocal("US-FTC-HBNR-ftc-log", "2025-12-31T12:00[America/New_York]"), "2026-03-01T23:59:59.999-05:00");
    const small = { entityTypes: ["phr-vendor"], residents: { "US-NY": 120 } };
    assert.equal(applies("US-FTC-HBNR-ftc-log", { ...small, at: "2025-12-31T12:00[America/New_York]" }).applies, "yes");
    assert.equal(applies("US-FTC-HBNR-ftc", { ...small, at: "2025-12-31T12:00[America/New_York]" }).applies, "no");
  });

  it("Regulation S-P: 30 days after becoming aware, from the larger entities' compliance date (3 December 2025)", () => {
    assert.equal(dueLocal("US-SEC-RegSP-individuals", "2025-12-03T16:00[America/New_York]"), "2026-01-02T23:59:59.999-05:00");
    const adviser = { entityTypes: ["sec-covered-institution"] };
    assert.equal(applies("US-SEC-RegSP-individuals", { ...adviser, at: "2025-12-02T16:00[America/New_York]" }).applies, "no");
    assert.equal(applies("US-SEC-RegSP-individuals", { ...adviser, at: "2025-12-03T16:00[America/New_York]" }).applies, "yes");
  });

  it("carries the delays the law allows: HBNR's law-enforcement delay, Regulation S-P's Attorney General steps, FCC's agency direction", () => {
    for (const id of ["US-FTC-HBNR-individuals", "US-FTC-HBNR-ftc", "US-FTC-HBNR-ftc-pre-2024-07-29"]) {
      const [delay] = rule(id).delays ?? [];
      assert.equal(delay?.kind, "law_enforcement_delay", id);
      assert.deepEqual(delay?.forms?.oral, { amount: 30, unit: "calendar_days" }, id);
    }
    const [ag] = rule("US-SEC-RegSP-individuals").delays ?? [];
    assert.equal(ag?.kind, "attorney_general_determination");
    assert.deepEqual(
      ag?.steps?.map((s) => s.amount),
      [30, 30, 60],
    );
    assert.deepEqual(rule("US-FCC-64.2011-customers").delays?.[0]?.forms?.written, { amount: 30, unit: "calendar_days" });
    assert.equal(rule("US-INS-SC").delays, undefined);
  });

  it("DFARS 252.204-7012: 72 hours from discovery across the end of daylight saving (1 November 2026)", () => {
    // 22:00 EDT on 31 October is 02:00 UTC on 1 November; + 72 h = 02:00 UTC on the 4th, 21:00 EST on the 3rd.
    assert.equal(dueLocal("US-DFARS-252.204-7012", "2026-10-31T22:00[America/New_York]"), "2026-11-03T21:00:00.000-05:00");
  });

  it("SEC Form 8-K/A: four business days after the information becomes available, over Christmas 2025", () => {
    // Available Wednesday 24 December: 26 (1; the 25th is a holiday), 29 (2), 30 (3), 31 December (4).
    assert.equal(dueLocal("US-SEC-8K-105-amendment", "2025-12-24T10:00[America/New_York]"), "2025-12-31T23:59:59.999-05:00");
  });
});

describe("United States: New York and the states' insurance laws", () => {
  it("NYDFS 500.17(c): notice 24 hours after the extortion payment, the explanation 30 days after", () => {
    // 22:00 EST on 7 March 2026 + 24 h = 03:00 UTC on the 9th, 23:00 EDT on the 8th (the clocks went forward).
    assert.equal(dueLocal("US-NY-DFS-500.17c-notice", "2026-03-07T22:00[America/New_York]"), "2026-03-08T23:00:00.000-04:00");
    assert.equal(
      dueLocal("US-NY-DFS-500.17c-explanation", "2026-03-07T22:00[America/New_York]"),
      "2026-04-06T23:59:59.999-04:00",
    );
    assert.equal(
      applies("US-NY-DFS-500.17c-notice", { at: "2023-11-30T12:00[America/New_York]", entityTypes: ["nydfs-covered-entity"] })
        .applies,
      "no",
    );
  });

  it("insurance data security: South Carolina's 72 hours; Louisiana's three business days skip Good Friday, Alabama's do not", () => {
    assert.equal(dueLocal("US-INS-SC", "2026-04-02T10:00[America/New_York]"), "2026-04-05T10:00:00.000-04:00");
    // Determined Thursday 2 April 2026. Louisiana: 3 April is Good Friday, a state holiday, so 6, 7, 8 April.
    assert.equal(dueLocal("US-INS-LA", "2026-04-02T10:00[America/Chicago]"), "2026-04-08T23:59:59.999-05:00");
    // Alabama: 3, 6, 7 April.
    assert.equal(dueLocal("US-INS-AL", "2026-04-02T10:00[America/Chicago]"), "2026-04-07T23:59:59.999-05:00");
    assert.equal(dueLocal("US-INS-IA", "2026-04-02T10:00[America/Chicago]"), "2026-04-07T23:59:59.999-05:00");
    assert.equal(dueLocal("US-INS-ND", "2026-04-02T10:00[America/Chicago]"), "2026-04-07T23:59:59.999-05:00");
  });

  it("insurance data security: the home state, or 250 or more of the state's consumers, brings the licensee in", () => {
    const today = "2026-12-07T09:00[America/New_York]";
    const texan = { establishedIn: ["US-TX"], entityTypes: ["insurance-licensee"] };
    const many = applies("US-INS-SC", { ...texan, at: today, residents: { "US-SC": 300 } });
    assert.equal(many.applies, "yes");
    assert.ok(
      many.reasons.some((r) => r.startsWith("300 residents of")),
      many.reasons.join("; "),
    );
    assert.equal(applies("US-INS-SC", { ...texan, at: today, residents: { "US-SC": 100 } }).applies, "no");
    assert.equal(
      applies("US-INS-SC", { ...texan, establishedIn: ["US-SC"], at: today, residents: { "US-SC": 100 } }).applies,
      "yes",
    );
    assert.equal(applies("US-INS-SC", { establishedIn: ["US-SC"], entityTypes: ["sec-registrant"], at: today }).applies, "no");
  });
});

describe("United States: each state's own data elements, read from its statute", () => {
  const today = "2026-12-07T10:00[America/Chicago]";
  /** A breach of only `elements`, affecting 10 residents of `state`. */
  const breach = (state: string, ...elements: string[]) =>
    applies(`US-${state}-individuals`, { at: today, residents: { [`US-${state}`]: 10 }, dataElements: elements }).applies;
  const stateRules = (state: string) =>
    ["individuals", "regulator", "cra"].map((kind) => findRule(`US-${state}-${kind}`)).filter((r): r is Rule => Boolean(r));

  it("biometric data alone: yes where the law names it (WI, LA, NE, NM), no where it does not (KY, TN, KS)", () => {
    for (const state of ["WI", "LA", "NE", "NM"]) assert.equal(breach(state, "biometric"), "yes", state);
    for (const state of ["KY", "TN", "KS"]) assert.equal(breach(state, "biometric"), "no", state);
    const ky = applies("US-KY-individuals", { at: today, residents: { "US-KY": 10 }, dataElements: ["biometric"] });
    assert.ok(
      ky.reasons.includes(
        "biometric data affected; the law names only Social Security numbers, driver's licence or state identification numbers, financial account numbers, payment card numbers",
      ),
      ky.reasons.join("\n"),
    );
  });

  it("a DNA profile alone: yes in Wisconsin (134.98(1)(b)4) and the District (28-3851(3)(A)(i)(IV)), no in Washington", () => {
    assert.equal(breach("WI", "genetic"), "yes");
    assert.equal(breach("DC", "genetic"), "yes");
    assert.equal(breach("WA", "genetic"), "no");
  });

  it("a date of birth alone: yes in North Dakota and Washington, no in Nebraska", () => {
    assert.equal(breach("ND", "date-of-birth"), "yes");
    assert.equal(breach("WA", "date-of-birth"), "yes");
    assert.equal(breach("NE", "date-of-birth"), "no");
  });

  it("a user name or e-mail address with its password: yes in New Jersey, Nevada and Pennsylvania, no in Kansas and Utah", () => {
    for (const state of ["NJ", "NV", "PA"]) assert.equal(breach(state, "email", "account-credentials"), "yes", state);
    for (const state of ["KS", "UT"]) assert.equal(breach(state, "email", "account-credentials"), "no", state);
  });

  it("medical information alone: yes in Nevada, New York and Pennsylvania, no in Kentucky and New Mexico", () => {
    for (const state of ["NV", "NY", "PA"]) assert.equal(breach(state, "medical"), "yes", state);
    for (const state of ["KY", "NM"]) assert.equal(breach(state, "medical"), "no", state);
  });

  it("the words a few states add: geolocation in Florida, a signing key in Washington, a mother's maiden name in North Dakota", () => {
    assert.equal(breach("FL", "geolocation"), "yes");
    assert.equal(breach("GA", "geolocation"), "no");
    assert.equal(breach("WA", "electronic-signature"), "yes");
    assert.equal(breach("ND", "maiden-name"), "yes");
    assert.equal(breach("NE", "maiden-name"), "no");
  });

  it("government identifiers of a kind not recorded: yes where every kind is named (New Hampshire), maybe where some are (Kentucky)", () => {
    assert.equal(breach("NH", "identity-document"), "yes");
    assert.equal(breach("KY", "identity-document"), "maybe");
    assert.equal(breach("LA", "passport"), "yes");
    assert.equal(breach("UT", "passport"), "no");
  });

  it("Wyoming (40-12-501(a)(vii) with 6-3-901(b)): health insurance and tax identification numbers yes, a date of birth no", () => {
    assert.equal(breach("WY", "health-insurance"), "yes");
    assert.equal(breach("WY", "tax-id"), "yes");
    assert.equal(breach("WY", "date-of-birth"), "no");
  });

  it("Delaware (12B-101(7)): a DNA profile, an ITIN and a user name with its password yes, a date of birth no", () => {
    assert.equal(breach("DE", "genetic"), "yes");
    assert.equal(breach("DE", "tax-id"), "yes");
    assert.equal(breach("DE", "email", "account-credentials"), "yes");
    assert.equal(breach("DE", "date-of-birth"), "no");
  });

  it("Maryland (14-3501(e)): genetic information, a federal ID number and an e-mail password yes, geolocation no", () => {
    assert.equal(breach("MD", "genetic"), "yes");
    assert.equal(breach("MD", "government-id"), "yes");
    assert.equal(breach("MD", "account-credentials"), "yes");
    assert.equal(breach("MD", "geolocation"), "no");
  });

  it("Massachusetts (c. 93H s 1): only Social Security, licence and account or card numbers; medical and biometric data no", () => {
    assert.equal(breach("MA", "financial-account"), "yes");
    assert.equal(breach("MA", "medical"), "no");
    assert.equal(breach("MA", "biometric"), "no");
    assert.equal(breach("MA", "email", "account-credentials"), "no");
  });

  it("a list taken from secondary summaries stays complete: false: Arizona's private key yes, Michigan's medical information maybe, not yes", () => {
    assert.equal(breach("AZ", "electronic-signature"), "yes");
    assert.equal(breach("AZ", "government-id"), "maybe");
    assert.equal(breach("MI", "medical"), "maybe");
    assert.equal(breach("MI", "drivers-license"), "yes");
    assert.match(rule("US-MI-individuals").openQuestions ?? "", /Data elements: the list follows .* not the statute's own words/);
  });

  it("a state whose statute was not read keeps the common core, so kinds outside it are maybe, and says why", () => {
    assert.equal(breach("VT", "email"), "maybe");
    assert.equal(breach("VT", "ssn"), "yes");
    assert.match(rule("US-VT-individuals").openQuestions ?? "", /Data elements: the list is the common core .* was not read/);
    // Indiana's list was read, but one kind it names (IC 24-4.9-2-10(3)) has no word: maybe, not no.
    assert.equal(breach("IN", "medical"), "maybe");
    assert.equal(breach("IN", "payment-card"), "yes");
  });

  it("every state rule has its statute's list (complete) or says in its open questions why not; a state's rules share one list", () => {
    for (const r of rulePackStateRules()) {
      const data = r.applicability?.dataElements;
      assert.ok(data, r.id);
      if (!data.complete) assert.match(r.openQuestions ?? "", /Data elements: /, r.id);
      const state = r.jurisdiction.slice(3);
      for (const other of stateRules(state)) assert.deepEqual(other.applicability?.dataElements, data, `${r.id} and ${other.id}`);
    }
  });
});

/** The notices to a state's residents, Attorney General and consumer reporting agencies (not CA-cdph). */
function rulePackStateRules(): Rule[] {
  return rulePack.rules.filter((r) => /^US-[A-Z]{2}-(individuals|regulator|cra)$/.test(r.id));
}
