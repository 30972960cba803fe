import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultHeadings, type NoticeContent, sectionKeys } from "./notice-content.policy.js";
import { placeholderProblem, unknownAttributeWarnings, validateNoticeWords } from "./notice-validation.policy.js";

function content(
  sections: Partial<NoticeContent["sections"]> = {},
  details: Partial<NoticeContent["details"]> = {},
): NoticeContent {
  return {
    sections: { ...Object.fromEntries(sectionKeys.map((k) => [k, ""])), ...sections } as NoticeContent["sections"],
    headings: defaultHeadings(),
    details: { organisation: "", contactEmail: "", contactPhone: "", ...details },
    checkedItems: [],
  };
}

describe("placeholder checks", () => {
  it("accepts the fixed placeholders, in any case, and attributes by name", () => {
    assert.equal(placeholderProblem("Dear {{first_name}} {{ LAST_NAME }}, {{attribute:Member no}} {{categories}}"), "");
  });

  it("names an unknown placeholder and suggests the one it looks like", () => {
    const message = placeholderProblem("Dear {{frist_name}},");
    assert.match(message, /^\{\{frist_name\}\} is not a placeholder Breachdesk knows\./);
    assert.match(message, /Did you mean \{\{first_name\}\} for \{\{frist_name\}\}\?/);
  });

  it("names each unknown placeholder once, and suggests nothing for what looks like nothing known", () => {
    const message = placeholderProblem("{{<script>}} {{ssn}} {{ssn}} {{attributes.member}}");
    assert.match(message, /^\{\{<script>\}\}, \{\{ssn\}\} and \{\{attributes\.member\}\} are not placeholders/);
    assert.match(message, /\{\{attribute:NAME\}\} for \{\{attributes\.member\}\}/);
    assert.doesNotMatch(message, /for \{\{ssn\}\}/);
  });

  it("refuses an unfinished placeholder, saying where", () => {
    assert.match(placeholderProblem("Dear {{first_name}, hello"), /not finished near "\{\{first_name\}, hello"/);
    assert.match(placeholderProblem("Dear first_name}}"), /not finished/);
    assert.match(placeholderProblem("{{attribute:}}"), /is not a placeholder/);
  });
});

describe("validateNoticeWords", () => {
  it("keys each problem by the editor's field", () => {
    const errors = validateNoticeWords("Hi {{nme}}", content({ whatHappened: "{{x}}", learnMore: "fine" }));
    assert.deepEqual(Object.keys(errors).sort(), ["section_whatHappened", "subject"]);
  });

  it("asks for the contact detail a contact placeholder needs", () => {
    const errors = validateNoticeWords(
      "Notice",
      content({ whoWeAre: "Call {{contact_phone}} or write to {{contact_email}}." }, { contactEmail: "a@b.org" }),
    );
    assert.deepEqual(Object.keys(errors), ["contactPhone"]);
    assert.match(errors.contactPhone!, /\{\{contact_phone\}\} is used in the notice: fill in the contact phone number/);
  });

  it("refuses placeholders in headings", () => {
    const c = content();
    c.headings.when = "When, {{first_name}}";
    assert.match(validateNoticeWords("Notice", c).heading_when ?? "", /cannot hold placeholders/);
  });

  it("passes clean words", () => {
    assert.deepEqual(
      validateNoticeWords(
        "Notice {{incident_reference}}",
        content({ whoWeAre: "We are {{organisation}}." }, { organisation: "X" }),
      ),
      {},
    );
  });
});

describe("attribute placeholders against the incident's columns", () => {
  it("warns about a column the people do not have, naming the nearest and the columns they have", () => {
    const words = content({ whatHappened: "You registered for {{attribute:Confrence}} ({{attribute: conference }})." });
    const [warning, ...rest] = unknownAttributeWarnings("About {{attribute:Shirt}}", words, ["Conference", "Shirt"]);
    assert.deepEqual(rest, []);
    assert.equal(
      warning,
      "{{attribute:Confrence}} names a column none of the incident's people have, so it would be empty in every notice. " +
        "Did you mean {{attribute:Conference}}? The incident's people have these columns: Conference and Shirt.",
    );
  });

  it("suggests nothing far off, and says when the people have no columns at all", () => {
    const words = content({ whatHappened: "{{attribute:Ticket type}}" });
    assert.doesNotMatch(unknownAttributeWarnings("", words, ["Conference"])[0]!, /Did you mean/);
    assert.match(unknownAttributeWarnings("", words, [])[0]!, /have no imported columns of their own yet\.$/);
    assert.deepEqual(unknownAttributeWarnings("", content({ whatHappened: "{{first_name}}" }), []), []);
  });
});
