import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findRule } from "../deadlines/rule-pack.policy.js";
import { defaultHeadings, type NoticeWords, sectionKeys } from "./notice-content.policy.js";
import { byHandKey, byHandKeys, checkNoticeContent, type ObligationForCheck } from "./notice-content-check.policy.js";

function obligation(ruleId: string, status = "pending"): ObligationForCheck {
  const rule = findRule(ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return { id: `o-${ruleId}`, ruleId, status, terms: JSON.stringify(rule) };
}

function words(
  sections: Partial<NoticeWords["sections"]> = {},
  details: Partial<NoticeWords["details"]> = {},
  checkedItems: string[] = [],
): NoticeWords {
  return {
    subject: "Notice",
    language: "en",
    sections: { ...Object.fromEntries(sectionKeys.map((k) => [k, ""])), ...sections } as NoticeWords["sections"],
    headings: defaultHeadings(),
    details: { organisation: "", contactEmail: "", contactPhone: "", ...details },
    checkedItems,
  };
}

const complete = words(
  {
    whoWeAre: "We run the conference.",
    whatHappened: "Someone copied the registration database.",
    whatInformation: "Someone may use your e-mail address to send you convincing phishing.",
    whatWeHaveDone: "We rebuilt the server.",
    whatYouShouldDo: "Change your password.",
  },
  { organisation: "Linux Australia", contactEmail: "privacy@example.org" },
);

const missingOf = (checks: ReturnType<typeof checkNoticeContent>) =>
  checks.flatMap((c) => c.items.filter((i) => !i.isMet).map((i) => i.key));

describe("content check", () => {
  it("finds every OAIC item missing from an empty notice, naming what to fix", () => {
    const [check] = checkNoticeContent(words(), [obligation("AU-NDB-individuals")], { incidentCategoryCount: 0 });
    assert.equal(check!.regimeCode, "AU-NDB");
    assert.deepEqual(missingOf([check!]), [
      "AU-NDB-individuals:identity_contact",
      "AU-NDB-individuals:description",
      "AU-NDB-individuals:kinds_of_information",
      "AU-NDB-individuals:recommended_steps",
    ]);
    assert.match(check!.items[0]!.fix, /Name your organisation/);
    assert.ok(check!.items.every((i) => i.kind === "automatic"));
  });

  it("passes a complete notice for OAIC and GDPR Art. 34 (EU and UK)", () => {
    const checks = checkNoticeContent(
      complete,
      ["AU-NDB-individuals", "EU-GDPR-34", "GB-UKGDPR-34"].map((id) => obligation(id)),
      {
        incidentCategoryCount: 2,
      },
    );
    assert.equal(checks.length, 3);
    assert.deepEqual(missingOf(checks), []);
  });

  it("needs a contact: the fields, or an address or number in Who we are", () => {
    const noContact = { ...complete, details: { organisation: "Linux Australia", contactEmail: "", contactPhone: "" } };
    const obligations = [obligation("AU-NDB-individuals"), obligation("EU-GDPR-34")];
    assert.deepEqual(missingOf(checkNoticeContent(noContact, obligations, { incidentCategoryCount: 1 })), [
      "AU-NDB-individuals:identity_contact",
      "EU-GDPR-34:contact_point",
    ]);
    const written = { ...noContact, sections: { ...noContact.sections, whoWeAre: "Call us on +61 2 9876 5432." } };
    assert.deepEqual(missingOf(checkNoticeContent(written, obligations, { incidentCategoryCount: 1 })), []);
  });

  it("counts the incident's data categories as the kinds of information, but not as the likely consequences", () => {
    const bare = { ...complete, sections: { ...complete.sections, whatInformation: "" } };
    const checks = checkNoticeContent(bare, [obligation("AU-NDB-individuals"), obligation("EU-GDPR-34")], {
      incidentCategoryCount: 3,
    });
    assert.deepEqual(missingOf(checks), ["EU-GDPR-34:likely_consequences"]);
  });

  it("lists another regime's content items to tick by hand, met once ticked", () => {
    const nz = obligation("NZ-PA2020-individuals");
    const [before] = checkNoticeContent(complete, [nz], { incidentCategoryCount: 1 });
    assert.equal(before!.items.length, 5);
    assert.ok(before!.items.every((i) => i.kind === "by_hand" && !i.isMet));
    const key = byHandKey("NZ-PA2020-individuals", "contact details");
    assert.ok(byHandKeys([nz]).has(key));
    const [after] = checkNoticeContent({ ...complete, checkedItems: [key] }, [nz], { incidentCategoryCount: 1 });
    assert.deepEqual(
      after!.items.filter((i) => i.isMet).map((i) => i.key),
      [key],
    );
  });

  it("says so when the law lists no content, and skips regulator notices and obligations marked not required", () => {
    const checks = checkNoticeContent(
      complete,
      [obligation("US-AL-individuals"), obligation("AU-NDB-oaic"), obligation("EU-GDPR-34", "not_required")],
      { incidentCategoryCount: 1 },
    );
    assert.deepEqual(
      checks.map((c) => c.ruleId),
      ["US-AL-individuals"],
    );
    assert.match(checks[0]!.note, /lists no particular content/);
    assert.deepEqual(byHandKeys([obligation("AU-NDB-individuals")]), new Set());
  });
});
