// Worked cases for the regimes of Europe and the rest of the world added by issue 17 (item 3):
// each rule's due instant for a concrete trigger, worked out by hand from the law's words (hours
// as elapsed time across daylight-saving changes, days and months under Regulation 1182/71 with
// their roll-forward, Colombian business days over Holy Week), and who each rule binds.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ApplicabilityProfile, assessApplicability } from "./applicability.policy.js";
import { computeDeadline, type DeadlineOptions } from "./compute-deadline.policy.js";
import { placeName } from "./jurisdiction-names.policy.js";
import { findRule, isOfficialSourceUrl, REGIME_CODES, type Rule } from "./rule-pack.policy.js";

const ADDED = {
  "EU-EPRIVACY": ["EU-EPRIVACY-611-authority", "EU-EPRIVACY-611-second", "EU-EPRIVACY-611-subscribers"],
  "EU-CRA": [
    "EU-CRA-14-vuln-early-warning",
    "EU-CRA-14-vuln-notification",
    "EU-CRA-14-vuln-final",
    "EU-CRA-14-incident-early-warning",
    "EU-CRA-14-incident-notification",
    "EU-CRA-14-incident-final",
    "EU-CRA-14-users",
  ],
  "EU-NIS2": ["EU-NIS2-notification-trust-service"],
  "CH-FADP": ["CH-FADP-24-fdpic", "CH-FADP-24-subjects"],
  "PH-DPA": ["PH-DPA-npc", "PH-DPA-subjects"],
  "TH-PDPA": ["TH-PDPA-37-office", "TH-PDPA-37-subjects"],
  "ID-PDP": ["ID-PDP-46-agency", "ID-PDP-46-subjects"],
  "VN-PDP": ["VN-DECREE13-23", "VN-PDPL-2025"],
  "MY-PDPA": ["MY-PDPA-12B-commissioner", "MY-PDPA-12B-subjects"],
  "SA-PDPL": ["SA-PDPL-IR24-sdaia", "SA-PDPL-IR24-subjects"],
  "TR-KVKK": ["TR-KVKK-12-board", "TR-KVKK-12-subjects"],
  "NG-NDPA": ["NG-NDPA-40-commission", "NG-NDPA-40-subjects"],
  "KE-DPA": ["KE-DPA-43-commissioner", "KE-DPA-43-subjects"],
  "CO-HD": ["CO-SIC-incidents"],
  "CA-ON-PHIPA": ["CA-ON-PHIPA-12-individuals", "CA-ON-PHIPA-12-ipc", "CA-ON-PHIPA-annual"],
  "CA-AB-PIPA": ["CA-AB-PIPA-34.1", "CA-AB-PIPA-37.1-individuals"],
} as const;
const ADDED_IDS: string[] = Object.values(ADDED).flat();

function rule(id: string): Rule {
  const found = findRule(id);
  assert.ok(found, `${id} is in the pack`);
  return found;
}

/** The conservative due instant (UTC ISO) for a trigger given with its offset, or null when the law sets none. */
function due(id: string, trigger: string, options?: DeadlineOptions): string | null {
  return computeDeadline(rule(id), new Date(trigger), options).dueAt?.toISOString() ?? null;
}

describe("the regimes of Europe and the rest of the world", () => {
  it("are in the pack under their regime codes, each citing the law itself with its applicability as data", () => {
    assert.equal(ADDED_IDS.length, 37);
    for (const [code, ids] of Object.entries(ADDED)) {
      assert.ok(Object.hasOwn(REGIME_CODES, code), code);
      for (const id of ids) {
        const r = rule(id);
        assert.equal(r.regimeCode, code, id);
        const primary = r.citations.filter((c) => c.primary);
        assert.ok(primary.length >= 1 && primary.every((c) => c.url && isOfficialSourceUrl(c.url)), id);
        assert.ok(r.applicability, `${id} has its applicability as data`);
        assert.ok(r.content.length >= 1, `${id} lists the notice's content`);
        // Where the law's own text was not found, the rule says so and is not "high".
        if (r.openQuestions?.includes("Primary source:")) assert.notEqual(r.confidence, "high", id);
      }
    }
  });

  it("never gives an as-soon-as rule a number, and names every new place in words", () => {
    for (const id of ["CH-FADP-24-fdpic", "TH-PDPA-37-subjects", "CA-AB-PIPA-34.1", "EU-CRA-14-users", "KE-DPA-43-subjects"]) {
      assert.equal(rule(id).deadline.kind, "asap", id);
      assert.equal(due(id, "2026-10-01T10:00:00Z"), null, id);
    }
    assert.deepEqual(["CH", "PH", "TH", "ID", "VN", "MY", "SA", "TR", "NG", "KE", "CO", "CA-ON", "CA-AB"].map(placeName), [
      "Switzerland",
      "the Philippines",
      "Thailand",
      "Indonesia",
      "Vietnam",
      "Malaysia",
      "Saudi Arabia",
      "Türkiye",
      "Nigeria",
      "Kenya",
      "Colombia",
      "Ontario",
      "Alberta",
    ]);
  });
});

describe("worked cases: the EU", () => {
  it("ePrivacy: 24 hours from detection across the spring clock change; the rest within 3 days, moved past a weekend", () => {
    // 10:00 CET on Saturday 28 March 2026; clocks go forward that night: 24 h later is 11:00 CEST.
    assert.equal(due("EU-EPRIVACY-611-authority", "2026-03-28T10:00:00+01:00"), "2026-03-29T09:00:00.000Z");
    const second = computeDeadline(rule("EU-EPRIVACY-611-second"), new Date("2026-12-23T15:00:00+01:00"));
    // 24, 25, 26 December: the third day is a Saturday; Reg. 1182/71 moves it to Monday 28 December.
    assert.equal(second.dueAt?.toISOString(), "2026-12-26T22:59:59.999Z");
    assert.equal(second.extendsTo?.toISOString(), "2026-12-28T22:59:59.999Z");
    assert.equal(due("EU-EPRIVACY-611-subscribers", "2026-03-28T10:00:00+01:00"), null);
  });

  it("Cyber Resilience Act: 24 and 72 hours from awareness, across the autumn clock change", () => {
    // 01:30 CEST on Sunday 25 October 2026 is 23:30 UTC on the 24th; clocks go back at 03:00.
    assert.equal(due("EU-CRA-14-incident-early-warning", "2026-10-25T01:30:00+02:00"), "2026-10-25T23:30:00.000Z");
    assert.equal(due("EU-CRA-14-incident-notification", "2026-10-25T01:30:00+02:00"), "2026-10-27T23:30:00.000Z");
    // The first day Art. 14 applies.
    assert.equal(due("EU-CRA-14-vuln-early-warning", "2026-09-11T00:30:00+02:00"), "2026-09-11T22:30:00.000Z");
    assert.equal(due("EU-CRA-14-vuln-notification", "2026-09-11T00:30:00+02:00"), "2026-09-13T22:30:00.000Z");
  });

  it("Cyber Resilience Act: final reports 14 days after the fix and a month after the notification, with 1182/71's roll-forward", () => {
    // A fix available on Saturday 3 October 2026: 14 days end on Saturday the 17th; Monday the 19th at the latest.
    const vuln = computeDeadline(rule("EU-CRA-14-vuln-final"), new Date("2026-10-03T12:00:00+02:00"));
    assert.equal(vuln.dueAt?.toISOString(), "2026-10-17T21:59:59.999Z");
    assert.equal(vuln.extendsTo?.toISOString(), "2026-10-19T21:59:59.999Z");
    // Notified on 31 January 2027: one month is 28 February (no 31st), a Sunday; Monday 1 March at the latest.
    const incident = computeDeadline(rule("EU-CRA-14-incident-final"), new Date("2027-01-31T10:00:00+01:00"));
    assert.equal(incident.dueAt?.toISOString(), "2027-02-28T22:59:59.999Z");
    assert.equal(incident.extendsTo?.toISOString(), "2027-03-01T22:59:59.999Z");
  });

  it("NIS2: a trust service provider's incident notification is due 24 hours after awareness, not 72", () => {
    assert.equal(due("EU-NIS2-notification-trust-service", "2026-05-04T16:20:00Z"), "2026-05-05T16:20:00.000Z");
    assert.equal(due("EU-NIS2-notification", "2026-05-04T16:20:00Z"), "2026-05-07T16:20:00.000Z");
  });
});

describe("worked cases: Asia, the Middle East and Africa", () => {
  const cases: [string, string, string][] = [
    // The Philippines' Independence Day changes nothing: hours are elapsed time.
    ["PH-DPA-npc", "2026-06-12T08:00:00+08:00", "2026-06-15T00:00:00.000Z"],
    ["PH-DPA-subjects", "2026-06-12T08:00:00+08:00", "2026-06-15T00:00:00.000Z"],
    ["TH-PDPA-37-office", "2026-04-13T09:00:00+07:00", "2026-04-16T02:00:00.000Z"],
    // 3 x 24 hours from Nyepi evening in Jakarta.
    ["ID-PDP-46-agency", "2026-03-19T22:00:00+07:00", "2026-03-22T15:00:00.000Z"],
    ["ID-PDP-46-subjects", "2026-03-19T22:00:00+07:00", "2026-03-22T15:00:00.000Z"],
    // Decree 13 counts from the violation, even across the new year.
    ["VN-DECREE13-23", "2025-12-30T23:00:00+07:00", "2026-01-02T16:00:00.000Z"],
    ["VN-PDPL-2025", "2026-01-05T10:00:00+07:00", "2026-01-08T03:00:00.000Z"],
    ["MY-PDPA-12B-commissioner", "2026-06-01T09:00:00+08:00", "2026-06-04T01:00:00.000Z"],
    ["SA-PDPL-IR24-sdaia", "2026-03-19T21:00:00+03:00", "2026-03-22T18:00:00.000Z"],
    ["TR-KVKK-12-board", "2026-10-28T23:00:00+03:00", "2026-10-31T20:00:00.000Z"],
    ["NG-NDPA-40-commission", "2026-10-01T12:00:00+01:00", "2026-10-04T11:00:00.000Z"],
    ["KE-DPA-43-commissioner", "2026-12-12T08:00:00+03:00", "2026-12-15T05:00:00.000Z"],
  ];
  for (const [id, trigger, expected] of cases) {
    it(`${id}: 72 hours after ${trigger} is ${expected}`, () => {
      assert.equal(due(id, trigger), expected);
    });
  }

  it("Malaysia: the data subjects within 7 days of the notice to the Commissioner, to the end of the seventh day in Kuala Lumpur", () => {
    assert.equal(due("MY-PDPA-12B-subjects", "2026-06-03T17:00:00+08:00"), "2026-06-10T15:59:59.999Z");
  });

  it("Switzerland, Saudi Arabia, Türkiye and Nigeria's notices to people set no number of hours", () => {
    for (const id of ["CH-FADP-24-subjects", "SA-PDPL-IR24-subjects", "TR-KVKK-12-subjects", "NG-NDPA-40-subjects"]) {
      const d = computeDeadline(rule(id), new Date("2026-10-01T10:00:00Z"));
      assert.equal(d.dueAt, null, id);
      assert.match(d.basis, /^No fixed deadline: "/, id);
    }
  });
});

describe("worked cases: the Americas", () => {
  it("Colombia: 15 business days in Bogotá, skipping San José and Holy Thursday and Good Friday", () => {
    // Detected on Friday 20 March 2026. Monday 23 March (San José), 2 and 3 April are holidays:
    // 24-27 March (4), 30-31 March and 1 April (7), 6-10 April (12), 13-15 April (15).
    const d = computeDeadline(rule("CO-SIC-incidents"), new Date("2026-03-20T16:00:00-05:00"));
    assert.equal(d.dueAt?.toISOString(), "2026-04-16T04:59:59.999Z");
    assert.match(d.basis, /2026-03-23/);
    assert.match(d.basis, /2026-04-03/);
  });

  it("Ontario: the annual report by 1 March, a day earlier in a leap year", () => {
    assert.equal(due("CA-ON-PHIPA-annual", "2026-12-31T23:59:00-05:00"), "2027-03-02T04:59:59.999Z");
    assert.equal(due("CA-ON-PHIPA-annual", "2027-12-31T23:59:00-05:00"), "2028-03-01T04:59:59.999Z");
    assert.equal(due("CA-ON-PHIPA-12-individuals", "2026-12-31T23:59:00-05:00"), null);
  });

  it("Alberta: the Commissioner without unreasonable delay; the individuals when the Commissioner directs", () => {
    const direction = computeDeadline(rule("CA-AB-PIPA-37.1-individuals"), new Date("2026-07-02T09:00:00-06:00"));
    assert.equal(direction.dueAt, null);
    assert.match(direction.basis, /after the regulator's direction/);
    assert.equal(rule("CA-AB-PIPA-37.1-individuals").trigger.code, "regulator_direction");
  });
});

describe("who the new rules bind", () => {
  const at = new Date("2026-10-01T10:00:00Z");
  const answer = (id: string, profile: Omit<ApplicabilityProfile, "at">, when = at) =>
    assessApplicability(rule(id), { at: when, ...profile });

  it("the Cyber Resilience Act: a manufacturer in the EU from 11 September 2026; not before; maybe from outside", () => {
    const maker = { establishedIn: ["DE"], entityTypes: ["cra-manufacturer"] };
    assert.equal(answer("EU-CRA-14-vuln-early-warning", maker).applies, "yes");
    const before = answer("EU-CRA-14-vuln-early-warning", maker, new Date("2026-09-01T10:00:00Z"));
    assert.equal(before.applies, "no");
    assert.equal(before.reasons[0], "not in force on 2026-09-01 (in force from 2026-09-11)");
    assert.equal(
      answer("EU-CRA-14-vuln-early-warning", { establishedIn: ["US-CA"], entityTypes: ["cra-manufacturer"] }).applies,
      "maybe",
    );
    const notMaker = answer("EU-CRA-14-vuln-early-warning", { establishedIn: ["DE"], entityTypes: ["telecom-provider"] });
    assert.equal(notMaker.applies, "no");
  });

  it("ePrivacy binds telecoms providers; NIS2's 24 hours binds trust service providers", () => {
    assert.equal(
      answer("EU-EPRIVACY-611-authority", { establishedIn: ["FR"], entityTypes: ["telecom-provider"] }).applies,
      "yes",
    );
    assert.equal(answer("EU-EPRIVACY-611-authority", { establishedIn: ["FR"], entityTypes: [] }).applies, "no");
    const tsp = answer("EU-NIS2-notification-trust-service", {
      establishedIn: ["BE"],
      entityTypes: ["eu-trust-service-provider"],
    });
    assert.equal(tsp.applies, "yes");
    assert.ok(
      tsp.reasons.includes(
        "the organisation is a qualified or non-qualified trust service provider (eIDAS Regulation (EU) No 910/2014)",
      ),
    );
  });

  it("Ontario's PHIPA binds health information custodians in Ontario only", () => {
    const clinic = answer("CA-ON-PHIPA-12-ipc", { establishedIn: ["CA-ON"], entityTypes: ["health-provider"] });
    assert.equal(clinic.applies, "yes");
    assert.ok(clinic.reasons.includes("established in CA-ON"));
    const quebec = answer("CA-ON-PHIPA-12-ipc", { establishedIn: ["CA-QC"], entityTypes: ["health-provider"] });
    assert.equal(quebec.applies, "no");
    assert.ok(quebec.reasons.includes("not established in Ontario"));
  });

  it("Nigeria, Kenya and Saudi Arabia reach controllers abroad through the people affected there", () => {
    const lagos = answer("NG-NDPA-40-commission", { establishedIn: ["GB"], residents: { NG: 5, GB: 40 } });
    assert.equal(lagos.applies, "yes");
    assert.ok(lagos.reasons.includes("5 residents of Nigeria, at least 1"));
    const none = answer("SA-PDPL-IR24-sdaia", { establishedIn: ["US-NY"], residents: { "US-NY": 3 } });
    assert.equal(none.applies, "maybe");
    assert.match(
      none.reasons[1] ?? "",
      /not established in Saudi Arabia; no affected residents of Saudi Arabia; the law may reach/,
    );
    assert.equal(answer("KE-DPA-43-commissioner", { establishedIn: ["KE"] }).applies, "yes");
  });

  it("Vietnam: Decree 13 until the end of 2025, the 2025 Law from 1 January 2026", () => {
    const hanoi = { establishedIn: ["VN"] };
    const decree = answer("VN-DECREE13-23", hanoi, new Date("2026-02-01T03:00:00Z"));
    assert.equal(decree.applies, "no");
    assert.equal(decree.reasons[0], "no longer in force on 2026-02-01 (in force until 2025-12-31)");
    assert.equal(answer("VN-PDPL-2025", hanoi, new Date("2026-02-01T03:00:00Z")).applies, "yes");
    assert.equal(answer("VN-PDPL-2025", hanoi, new Date("2025-06-01T03:00:00Z")).applies, "no");
  });

  it("the national laws: established there, yes; elsewhere, maybe, because each reaches some organisations abroad", () => {
    for (const [id, place] of [
      ["CH-FADP-24-fdpic", "CH"],
      ["PH-DPA-npc", "PH"],
      ["TH-PDPA-37-office", "TH"],
      ["ID-PDP-46-agency", "ID"],
      ["MY-PDPA-12B-commissioner", "MY"],
      ["TR-KVKK-12-board", "TR"],
      ["CO-SIC-incidents", "CO"],
      ["CA-AB-PIPA-34.1", "CA-AB"],
    ] as const) {
      assert.equal(answer(id, { establishedIn: [place] }).applies, "yes", id);
      const abroad = answer(id, { establishedIn: ["JP"] });
      assert.equal(abroad.applies, "maybe", id);
      assert.match(abroad.reasons.join("; "), new RegExp(`not established in ${placeName(place)}`), id);
    }
  });
});

// Added by the second pass over issue 17's missing regimes (decision 0033, addendum): the FTC's
// media notice, Regulation S-P's service providers, more states' insurance data security laws,
// the UK GDPR's processor notice and the Philippines' annual report.
const at2026 = new Date("2026-10-01T10:00:00Z");
const assess = (id: string, profile: Omit<ApplicabilityProfile, "at">, when = at2026) =>
  assessApplicability(rule(id), { at: when, ...profile });

describe("the FTC Health Breach Notification Rule's notice to the media", () => {
  it("is due 60 days after discovery, to the end of the day in Washington, with the Rule's law-enforcement delay", () => {
    // Discovered Monday 4 May 2026: 60 days later is Friday 3 July, 23:59 EDT.
    assert.equal(due("US-FTC-HBNR-media", "2026-05-04T11:00:00-04:00"), "2026-07-04T03:59:59.999Z");
    const r = rule("US-FTC-HBNR-media");
    assert.equal(r.notify, "media");
    assert.equal(r.delays?.[0]?.kind, "law_enforcement_delay");
    assert.ok(r.citations.some((c) => c.primary && c.section?.includes("318.5(b)")));
  });

  it("counts residents per state, not in aggregate, unlike the FTC's own notice", () => {
    const vendor = { entityTypes: ["phr-vendor"] };
    const california = assess("US-FTC-HBNR-media", { ...vendor, residents: { "US-CA": 600, "US-TX": 100 } });
    assert.equal(california.applies, "yes");
    assert.ok(
      california.reasons.includes(
        "600 residents of California, at least 500 in a single state or jurisdiction, not in aggregate",
      ),
    );
    // 800 people, 400 in each of two states: the FTC is told (500 or more in all), the media are not.
    const spread = { ...vendor, residents: { "US-CA": 400, "US-TX": 400 } };
    const media = assess("US-FTC-HBNR-media", spread);
    assert.equal(media.applies, "no");
    assert.ok(
      media.reasons.includes(
        "400 residents of California, the most in one state or jurisdiction, not at least 500 in a single state or jurisdiction, not in aggregate",
      ),
    );
    assert.equal(assess("US-FTC-HBNR-ftc", spread).applies, "yes");
    // People known only as "US" may all live in California.
    const unplaced = assess("US-FTC-HBNR-media", { ...vendor, residents: { "US-CA": 300, US: 250 } });
    assert.equal(unplaced.applies, "maybe");
    assert.match(unplaced.reasons.join("; "), /300 residents of California \(the most in one place\) and 250 known only as US/);
    assert.equal(assess("US-FTC-HBNR-media", { ...vendor, residents: { "US-CA": 300, US: 100 } }).applies, "no");
    assert.equal(assess("US-FTC-HBNR-media", vendor).applies, "maybe");
    assert.equal(
      assess("US-FTC-HBNR-media", { entityTypes: ["hipaa-covered-entity"], residents: { "US-CA": 600 } }).applies,
      "no",
    );
  });
});

describe("Regulation S-P: the service provider's notice to the covered institution", () => {
  it("is due 72 elapsed hours after the provider becomes aware, across the spring clock change", () => {
    // 20:00 EST on Saturday 7 March 2026 is 01:00 UTC on the 8th; clocks go forward that night:
    // 72 hours later is 01:00 UTC on the 11th, 21:00 EDT on Tuesday the 10th.
    assert.equal(due("US-SEC-RegSP-service-provider", "2026-03-07T20:00:00-05:00"), "2026-03-11T01:00:00.000Z");
    // Christmas Day changes nothing: hours are elapsed time.
    assert.equal(due("US-SEC-RegSP-service-provider", "2026-12-25T09:00:00-05:00"), "2026-12-28T14:00:00.000Z");
    assert.equal(rule("US-SEC-RegSP-service-provider").notify, "other");
  });

  it("binds the service provider, not the institution, from the larger institutions' compliance date", () => {
    const provider = { entityTypes: ["regsp-service-provider"] };
    assert.equal(assess("US-SEC-RegSP-service-provider", provider).applies, "yes");
    const before = assess("US-SEC-RegSP-service-provider", provider, new Date("2025-12-02T15:00:00Z"));
    assert.equal(before.applies, "no");
    assert.equal(before.reasons[0], "not in force on 2025-12-02 (in force from 2025-12-03)");
    const adviser = assess("US-SEC-RegSP-service-provider", { entityTypes: ["sec-covered-institution"] });
    assert.equal(adviser.applies, "no");
    assert.equal(assess("US-SEC-RegSP-individuals", { entityTypes: ["sec-covered-institution"] }).applies, "yes");
  });
});

describe("more states' insurance data security laws (NAIC Model Law #668)", () => {
  const STATES = ["OH", "MI", "MS", "DE", "VA", "IN", "MN", "TN", "WI", "ME", "KY", "NH", "PA", "MD"];

  it("are in the pack for fourteen more states, each citing the state's own site", () => {
    for (const code of STATES) {
      const r = rule(`US-INS-${code}`);
      assert.equal(r.regimeCode, "US-INS", code);
      assert.equal(r.notify, "regulator", code);
      assert.equal(r.trigger.code, "determination", code);
      assert.equal(r.holidays.state, code, code);
      assert.ok(
        r.citations.some((c) => c.primary && c.url && isOfficialSourceUrl(c.url)),
        code,
      );
      assert.deepEqual(r.applicability?.entityTypes, ["insurance-licensee"], code);
    }
    // Business days by state: Michigan's ten, Minnesota's and Pennsylvania's five, the others three.
    const days = Object.fromEntries(STATES.map((c) => [c, rule(`US-INS-${c}`).deadline]));
    assert.deepEqual(
      Object.entries(days)
        .filter(([, d]) => d.kind === "fixed" && d.amount !== 3)
        .map(([c, d]) => [c, d.kind === "fixed" ? d.amount : null]),
      [
        ["MI", 10],
        ["MN", 5],
        ["PA", 5],
      ],
    );
  });

  const cases: [string, string, string, string][] = [
    // Thursday 2 July 2026: Independence Day falls on a Saturday and is observed on Friday the 3rd: 6, 7, 8 July.
    ["US-INS-OH", "2026-07-02T10:00:00-04:00", "2026-07-09T03:59:59.999Z", "2026-07-03"],
    // Wednesday 18 November: ten Michigan business days over Thanksgiving end on Thursday 3 December.
    ["US-INS-MI", "2026-11-18T10:00:00-05:00", "2026-12-04T04:59:59.999Z", "2026-11-26"],
    // Friday 24 April: Mississippi's state holiday on the last Monday of April, then 28, 29, 30 April.
    ["US-INS-MS", "2026-04-24T10:00:00-05:00", "2026-05-01T04:59:59.999Z", "2026-04-27"],
    // Monday 2 November: Delaware's and Indiana's general election day is a state holiday: 4, 5, 6 November.
    ["US-INS-DE", "2026-11-02T10:00:00-05:00", "2026-11-07T04:59:59.999Z", "2026-11-03"],
    ["US-INS-IN", "2026-11-02T10:00:00-05:00", "2026-11-07T04:59:59.999Z", "2026-11-03"],
    // Tuesday 10 November: Veterans Day, then 12, 13, 16 November.
    ["US-INS-VA", "2026-11-10T10:00:00-05:00", "2026-11-17T04:59:59.999Z", "2026-11-11"],
    // Wednesday 23 December: five Minnesota business days over Christmas end on New Year's Eve.
    ["US-INS-MN", "2026-12-23T10:00:00-06:00", "2027-01-01T05:59:59.999Z", "2026-12-25"],
    // Thursday 2 April: Good Friday is a Tennessee state holiday: 6, 7, 8 April.
    ["US-INS-TN", "2026-04-02T10:00:00-05:00", "2026-04-09T04:59:59.999Z", "2026-04-03"],
    // Thursday 16 April: Maine's Patriots' Day on Monday the 20th: 17, 21, 22 April.
    ["US-INS-ME", "2026-04-16T10:00:00-04:00", "2026-04-23T03:59:59.999Z", "2026-04-20"],
    // Wednesday 25 November: New Hampshire keeps the day after Thanksgiving too: 30 November, 1 and 2 December.
    ["US-INS-NH", "2026-11-25T10:00:00-05:00", "2026-12-03T04:59:59.999Z", "2026-11-27"],
    ["US-INS-KY", "2026-11-25T10:00:00-05:00", "2026-12-02T04:59:59.999Z", "2026-11-26"],
    ["US-INS-MD", "2026-11-25T10:00:00-05:00", "2026-12-03T04:59:59.999Z", "2026-11-27"],
    // Tuesday 24 November: five Pennsylvania business days over Thanksgiving: 25, 27, 30 November, 1, 2 December.
    ["US-INS-PA", "2026-11-24T10:00:00-05:00", "2026-12-03T04:59:59.999Z", "2026-11-26"],
  ];
  for (const [id, trigger, expected, holiday] of cases) {
    it(`${id}: determined ${trigger}, due ${expected}, skipping ${holiday}`, () => {
      const d = computeDeadline(rule(id), new Date(trigger));
      assert.equal(d.dueAt?.toISOString(), expected);
      assert.match(d.basis, new RegExp(holiday));
    });
  }
  it("US-INS-WI: three business days with no holiday in between", () => {
    assert.equal(due("US-INS-WI", "2026-04-02T10:00:00-05:00"), "2026-04-08T04:59:59.999Z");
  });

  it("bind a licensee at home, or elsewhere with 250 of the state's consumers; Virginia also when notice is owed elsewhere", () => {
    const insurer = (establishedIn: string[], residents: Record<string, number>) => ({
      establishedIn,
      entityTypes: ["insurance-licensee"],
      residents,
    });
    assert.equal(assess("US-INS-OH", insurer(["US-OH"], { "US-OH": 10 })).applies, "yes");
    const many = assess("US-INS-MI", insurer(["US-TX"], { "US-MI": 300 }));
    assert.equal(many.applies, "yes");
    assert.ok(many.reasons.includes("300 residents of Michigan, at least 250"));
    assert.equal(assess("US-INS-MI", insurer(["US-TX"], { "US-MI": 100 })).applies, "no");
    // Virginia's 38.2-625(A)(2): notice owed to another government body brings it in whatever the count.
    const virginia = assess("US-INS-VA", insurer(["US-TX"], { "US-VA": 100 }));
    assert.equal(virginia.applies, "maybe");
    assert.match(virginia.reasons.join("; "), /the law may reach organisations elsewhere/);
    assert.equal(assess("US-INS-PA", insurer(["US-PA"], {}), new Date("2023-12-01T15:00:00Z")).applies, "no");
    assert.equal(assess("US-INS-PA", insurer(["US-PA"], {}), new Date("2023-12-11T15:00:00Z")).applies, "yes");
    // Delaware's day in force was not read: the rule says so instead of guessing.
    assert.match(assess("US-INS-DE", insurer(["US-DE"], {})).reasons[0] ?? "", /not recorded as data/);
    assert.equal(
      assess("US-INS-ME", { establishedIn: ["US-ME"], entityTypes: ["bank-service-provider"], residents: {} }).applies,
      "no",
    );
  });
});

describe("the processor's notice to the controller (GDPR and UK GDPR Art. 33(2))", () => {
  it("sets no number of hours: without undue delay", () => {
    for (const id of ["EU-GDPR-33-2", "GB-UKGDPR-33-2"]) {
      const d = computeDeadline(rule(id), new Date("2026-10-01T10:00:00Z"));
      assert.equal(d.dueAt, null, id);
      assert.match(d.basis, /^No fixed deadline: "without undue delay/, id);
      assert.equal(rule(id).notify, "other", id);
    }
  });

  it("binds processors only, in the EU or the UK or reaching people there, from the day each law applies", () => {
    const londonProcessor = { establishedIn: ["GB"], entityTypes: ["data-processor"] };
    const uk = assess("GB-UKGDPR-33-2", londonProcessor);
    assert.equal(uk.applies, "yes");
    assert.ok(
      uk.reasons.includes(
        "the organisation is a processor: processes personal data on behalf of a controller (GDPR and UK GDPR Art. 4(8); the processors of other laws)",
      ),
    );
    assert.equal(assess("GB-UKGDPR-33-2", londonProcessor, new Date("2020-06-01T09:00:00Z")).applies, "no");
    // A controller has nobody to tell under Art. 33(2): its own notices are Art. 33(1) and 34.
    assert.equal(assess("GB-UKGDPR-33-2", { establishedIn: ["GB"], entityTypes: [] }).applies, "no");
    assert.equal(assess("GB-UKGDPR-33", { establishedIn: ["GB"], entityTypes: [] }).applies, "yes");
    assert.equal(assess("EU-GDPR-33-2", { establishedIn: ["DE"], entityTypes: ["data-processor"] }).applies, "yes");
    assert.equal(assess("EU-GDPR-33-2", { establishedIn: ["DE"], entityTypes: [] }).applies, "no");
    const abroad = { establishedIn: ["US-CA"], entityTypes: ["data-processor"], offersToEU: true, offersToUK: false };
    assert.equal(assess("EU-GDPR-33-2", abroad).applies, "yes");
    assert.equal(assess("GB-UKGDPR-33-2", abroad).applies, "no");
  });
});

describe("the Philippines: the annual report of security incidents (NPC Circular 16-03 s 22)", () => {
  it("is due on 31 March after the year it covers, a day early in a leap year, at the end of the day in Manila", () => {
    assert.equal(due("PH-DPA-annual-report", "2026-12-31T23:59:00+08:00"), "2027-03-31T15:59:59.999Z");
    assert.equal(due("PH-DPA-annual-report", "2027-12-31T23:59:00+08:00"), "2028-03-30T15:59:59.999Z");
    const r = rule("PH-DPA-annual-report");
    assert.equal(r.trigger.code, "end_of_calendar_year");
    assert.ok(r.citations.some((c) => c.primary && c.section === "s 22"));
  });

  it("binds controllers and processors in the Philippines; maybe from abroad; not before the first reported year", () => {
    assert.equal(assess("PH-DPA-annual-report", { establishedIn: ["PH"] }).applies, "yes");
    assert.equal(assess("PH-DPA-annual-report", { establishedIn: ["SG"] }).applies, "maybe");
    assert.equal(assess("PH-DPA-annual-report", { establishedIn: ["PH"] }, new Date("2016-12-31T15:00:00Z")).applies, "no");
  });
});
