import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtInCategories } from "../data-categories/catalogue.policy.js";
import { defaultHeadings, type NoticeWords, sectionKeys } from "./notice-content.policy.js";
import { checkNoticeContent } from "./notice-content-check.policy.js";
import { createNoticeRenderer, type NoticeRecipient } from "./notice-render.policy.js";
import { placeholderProblem } from "./notice-validation.policy.js";

// A notice's verification code (decision 0019): its placeholders, what the renderer fills in, and
// the content check that asks for it when a public site is set.

function words(sections: Partial<NoticeWords["sections"]> = {}, subject = "Notice"): NoticeWords {
  return {
    subject,
    language: "en",
    sections: { ...Object.fromEntries(sectionKeys.map((k) => [k, ""])), ...sections } as NoticeWords["sections"],
    headings: defaultHeadings(),
    details: { organisation: "", contactEmail: "", contactPhone: "" },
    checkedItems: [],
  };
}

const recipient: NoticeRecipient = {
  personId: "p1",
  givenName: "Ada",
  familyName: "Lovelace",
  email: "ada@example.org",
  externalId: null,
  language: "en",
  country: null,
  region: null,
  categoryIds: null,
  attributes: {},
};

const catalogue = builtInCategories.map((c, i) => ({ ...c, sortOrder: i }));

function rendererWith(learnMore: string, verifyUrl?: string) {
  return createNoticeRenderer({
    reference: "BD-2026-0001",
    fallbackLanguage: "en",
    versions: [{ id: "v", language: "en", subject: "Your code {{verification.code}}", content: words({ learnMore }) }],
    catalogue,
    incidentCategoryIds: ["email_address"],
    ...(verifyUrl ? { verifyUrl } : {}),
  });
}

describe("the verification code in a notice", () => {
  it("is a known placeholder, as is the verification page's address; a near miss is named", () => {
    assert.equal(placeholderProblem("{{verification.code}} {{ Verification.URL }}"), "");
    assert.match(placeholderProblem("{{verification_code}}"), /Did you mean \{\{verification\.code\}\}/);
  });

  it("fills in the delivery's code, printed in groups, and the verification page", () => {
    const renderer = rendererWith(
      "Check it at {{verification.url}} with {{verification.code}}.",
      "https://breach.example.org/verify",
    );
    const notice = renderer.render({ ...recipient, verificationCode: "7KQ2M9XD4TRP" }, "v");
    assert.equal(notice.subject, "Your code 7KQ2-M9XD-4TRP");
    assert.match(notice.text, /Check it at https:\/\/breach\.example\.org\/verify with 7KQ2-M9XD-4TRP\./);
    assert.match(notice.html, /7KQ2-M9XD-4TRP/);
    assert.deepEqual(notice.problems, []);
  });

  it("is no problem for the render check before the campaign starts, when no notice has a code yet", () => {
    const renderer = rendererWith("Check it with {{verification.code}} at {{verification.url}}.");
    assert.deepEqual(renderer.problemsOf(recipient, "v"), []);
    assert.equal(renderer.render(recipient, "v").subject, "Your code");
  });
});

describe("the content check with a public site", () => {
  it("asks for {{verification.code}} when PUBLIC_URL is set, naming the placeholder and where to write it", () => {
    const checks = checkNoticeContent(words({ learnMore: "See our site." }), [], {
      incidentCategoryCount: 1,
      publicSite: "https://breach.example.org",
    });
    assert.equal(checks.length, 1);
    const item = checks[0]!.items[0]!;
    assert.equal(checks[0]!.regimeCode, "Breachdesk");
    assert.equal(item.isMet, false);
    assert.match(item.label, /\{\{verification\.code\}\}/);
    assert.match(item.fix, /\{\{verification\.code\}\}.*\{\{verification\.url\}\}/);
    assert.match(item.basis, /https:\/\/breach\.example\.org\/verify/);
  });

  it("is met by the placeholder in any section or the subject, in any case and spacing", () => {
    const site = { incidentCategoryCount: 1, publicSite: "https://breach.example.org" };
    assert.equal(checkNoticeContent(words({ whoWeAre: "Code: {{ Verification.Code }}" }), [], site)[0]!.items[0]!.isMet, true);
    assert.equal(checkNoticeContent(words({}, "Notice {{verification.code}}"), [], site)[0]!.items[0]!.isMet, true);
    // The page's address alone does not let a person check this notice.
    assert.equal(checkNoticeContent(words({ learnMore: "{{verification.url}}" }), [], site)[0]!.items[0]!.isMet, false);
  });

  it("asks nothing when no public site is set", () => {
    assert.deepEqual(checkNoticeContent(words(), [], { incidentCategoryCount: 1 }), []);
  });
});
