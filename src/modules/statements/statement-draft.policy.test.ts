import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rulePack } from "../deadlines/index.js";
import { displayValue, draftStatement, keepFields, missingItems } from "./statement-draft.policy.js";
import { emptyRecord, type StatementRecord } from "./statement-record.policy.js";
import { statementFieldsOf } from "./statement-regimes.policy.js";

const now = new Date("2015-04-05T00:00:00Z");
const at = (iso: string) => new Date(iso);

/** The Linux Australia breach as the incident records it (seeds/003). */
function linuxAustralia(): StatementRecord {
  return {
    ...emptyRecord(now),
    incident: {
      reference: "BD-2015-0001",
      title: "Zookeepr server compromised",
      summary: "An attacker gained root on the conference management server (Zookeepr) through a remote buffer overflow.",
      timeZone: "Australia/Sydney",
      occurredFrom: at("2015-03-22T00:00:00Z"),
      occurredTo: at("2015-03-22T06:00:00Z"),
      detectedAt: at("2015-03-24T01:00:00Z"),
      awareAt: at("2015-03-24T01:00:00Z"),
      containedAt: at("2015-03-24T05:00:00Z"),
    },
    organisation: {
      name: "Linux Australia",
      address: "PO Box 7100, Bondi Junction NSW",
      contactEmail: "council@linux.org.au",
      contactPhone: "",
      privacyOfficer: "Joshua Hesketh, President",
      privacyOfficerEmail: "president@linux.org.au",
      website: "https://linux.org.au",
    },
    events: [
      {
        occurredAt: at("2015-03-22T00:00:00Z"),
        kind: "intrusion",
        description: "Remote access tool loaded into memory after a reboot",
      },
      {
        occurredAt: at("2015-03-24T01:00:00Z"),
        kind: "detection",
        description: "Error e-mails examined: the server was compromised",
      },
    ],
    categories: [
      {
        id: "identity",
        name: "Names",
        details: "first and last",
        advice: "Be wary of e-mails that use your name.",
        harm: "Phishing",
        sensitivity: "low",
      },
      { id: "postal_address", name: "Postal addresses", details: "", advice: "", harm: "", sensitivity: "medium" },
      {
        id: "password_hashes",
        name: "Password hashes",
        details: "",
        advice: "Change the password wherever you used it.",
        harm: "Account takeover",
        sensitivity: "high",
      },
    ],
    peopleAffected: 30,
    actions: [{ title: "Expire attendee accounts three months after each conference", status: "in_progress", notes: "" }],
    systems: [{ name: "zookeepr", compromiseMethod: "remote buffer overflow", status: "compromised" }],
  };
}

describe("regulator statements: drafts", () => {
  it("drafts every regulator rule of the pack, from an empty record and a full one, with no crash", () => {
    const rules = rulePack.rules.filter((r) => r.notify === "regulator");
    assert.ok(rules.length >= 70, `the pack has ${rules.length} regulator rules`);
    for (const rule of rules) {
      for (const record of [emptyRecord(now), linuxAustralia()]) {
        const fields = draftStatement(rule, record);
        const keys = statementFieldsOf(rule).map((f) => f.key);
        assert.deepEqual(Object.keys(fields), keys, rule.id);
        assert.equal(new Set(keys).size, keys.length, `${rule.id}: item keys are unique`);
        assert.ok(keys.includes("entity") && fields.entity !== undefined, `${rule.id} asks for the entity`);
        const missing = missingItems(rule, fields, record);
        if (record.organisation.name === "")
          assert.ok(
            missing.some((m) => m.key === "entity"),
            `${rule.id}: the empty entity is named`,
          );
        else assert.ok(!missing.some((m) => m.key === "entity"), rule.id);
      }
    }
  });

  it("fills the OAIC statement's s 26WK(3) items and the form's fields from the record", () => {
    const rule = rulePack.rules.find((r) => r.id === "AU-NDB-oaic")!;
    const fields = draftStatement(rule, linuxAustralia());
    assert.match(fields.entity!, /^Linux Australia\nPO Box 7100/);
    assert.match(fields.description!, /remote buffer overflow/);
    assert.match(
      fields.description!,
      /What happened:\n- 22 March 2015, 11:00 \(Australia\/Sydney\): Remote access tool loaded into memory after a reboot/,
    );
    assert.match(fields.description!, /22 March 2015, 11:00 \(Australia\/Sydney\)/);
    assert.equal(fields.kindsOfInformation, "Names: first and last\nPostal addresses\nPassword hashes");
    assert.equal(
      fields.recommendedSteps,
      "- Be wary of e-mails that use your name.\n- Change the password wherever you used it.",
    );
    assert.equal(fields.cause, "malicious_attack");
    assert.equal(fields.causeKind, "malware", "the remote access tool in the intrusion entry");
    assert.equal(fields.individualsAffected, "30");
    assert.equal(fields.informationGroups, "contact, identity");
    assert.match(fields.containment!, /Expire attendee accounts .* \(in progress\)/);
    assert.equal(fields.howNotified, "a");
    assert.deepEqual(missingItems(rule, fields, linuxAustralia()), []);
  });

  it("names what the law asks and the record lacks, and refuses a value that is not a choice", () => {
    const rule = rulePack.rules.find((r) => r.id === "AU-NDB-oaic")!;
    const fields = { ...draftStatement(rule, emptyRecord(now)), cause: "aliens" };
    const missing = missingItems(rule, fields, emptyRecord(now));
    assert.deepEqual(
      missing.slice(0, 4).map((m) => [m.key, m.citation]),
      [
        ["entity", "Privacy Act 1988 s 26WK(3)(a)"],
        ["description", "Privacy Act 1988 s 26WK(3)(b)"],
        ["kindsOfInformation", "Privacy Act 1988 s 26WK(3)(c)"],
        ["recommendedSteps", "Privacy Act 1988 s 26WK(3)(d)"],
      ],
    );
    assert.equal(missing.find((m) => m.key === "cause")?.why, "aliens is not one of the choices.");
    assert.ok(!missing.some((m) => m.key === "otherEntities"), "s 26WK(4) is optional");
  });

  it("asks GDPR's reasons for delay only after the deadline, and starts as an initial report", () => {
    const rule = rulePack.rules.find((r) => r.id === "EU-GDPR-33")!;
    const early = { ...linuxAustralia(), dueAt: at("2015-04-06T00:00:00Z") };
    const late = { ...linuxAustralia(), dueAt: at("2015-04-01T00:00:00Z") };
    const fields = draftStatement(rule, early);
    assert.equal(fields.phase, "initial");
    assert.ok(!missingItems(rule, fields, early).some((m) => m.key === "lateReasons"));
    assert.equal(
      missingItems(rule, fields, late).find((m) => m.key === "lateReasons")?.citation,
      "GDPR (EU) 2016/679 Art. 33(1)",
    );
    assert.ok(
      missingItems(rule, fields, early).some((m) => m.key === "stillUnknown"),
      "an initial report says what is not known yet",
    );
    assert.ok(!missingItems(rule, { ...fields, phase: "complete" }, early).some((m) => m.key === "stillUnknown"));
  });

  it("carries an earlier NIS2 report's items over, as edited, before the record's draft", () => {
    const rule = rulePack.rules.find((r) => r.id === "EU-NIS2-final")!;
    const fields = draftStatement(rule, linuxAustralia(), {
      crossBorder: "No: all users are in Ireland",
      entity: "Old",
      measures: " ",
    });
    assert.equal(fields.crossBorder, "No: all users are in Ireland");
    assert.equal(fields.entity, "Old");
    assert.match(fields.measures!, /Expire attendee accounts/, "an empty item carried is drafted from the record");
  });

  it("keeps only the rule's items, joins several choices, and shows choices by their labels", () => {
    const rule = rulePack.rules.find((r) => r.id === "AU-NDB-oaic")!;
    const kept = keepFields(rule, { entity: " Org \r\nLine ", informationGroups: ["contact", "health"], extra: "dropped" });
    assert.equal(kept.entity, "Org \nLine");
    assert.equal(kept.informationGroups, "contact, health");
    assert.equal("extra" in kept, false);
    const groups = statementFieldsOf(rule).find((f) => f.key === "informationGroups")!;
    assert.equal(displayValue(groups, "contact, health"), "Contact information; Health information");
  });
});
