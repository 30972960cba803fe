import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtInCategories } from "../data-categories/catalogue.policy.js";
import { incidentCategories } from "./notice-category-words.policy.js";
import { defaultHeadings, type NoticeWords, parseContent } from "./notice-content.policy.js";
import {
  compareWithStatement,
  contactOf,
  normaliseItem,
  preferredStatement,
  type StatementWords,
  startFromStatement,
  statementSeverityOf,
} from "./notice-statement.policy.js";

const catalogue = builtInCategories.map((c, i) => ({ ...c, sortOrder: i }));
const categories = incidentCategories(catalogue, ["email_address", "password_hashes"]);
const email = catalogue.find((c) => c.id === "email_address")!;
const hashes = catalogue.find((c) => c.id === "password_hashes")!;

const statement: StatementWords = {
  statementId: "s1",
  ruleId: "AU-NDB-oaic",
  party: "Australian Information Commissioner",
  version: 2,
  submittedAt: new Date("2026-03-01T00:00:00Z"),
  description: "An attacker gained root on the conference server.",
  kindsOfInformation: `${email.name}\n${hashes.name}: MD5, unsalted`,
  recommendedSteps: `- ${email.advice}\n- ${hashes.advice}\n- Change your password on any other site where you used it.`,
  contact: "Linux Australia Inc.\nE-mail: Council@Linux-Australia.example\nPhone: +61 2 5550 1234\nWebsite: https://linux.org.au",
};

/** The notice a manager gets by starting from the statement, in a language with words for one category. */
function started(language = "en", categoryWords = {}): NoticeWords {
  const content = { ...parseContent("{}"), headings: defaultHeadings(), categoryWords };
  return { ...startFromStatement(content, statement, categories), subject: "Your data", language };
}

describe("one source for the statement and the notice", () => {
  it("starts a notice from the statement: description, kinds that say more than a name, steps and contact", () => {
    const words = started();
    assert.equal(words.sections.whatHappened, statement.description);
    // The bare category name is not repeated: every notice lists the person's categories.
    assert.equal(words.sections.whatInformation, `- ${hashes.name}: MD5, unsalted`);
    assert.equal(words.sections.whatYouShouldDo.split("\n").length, 3);
    assert.ok(words.sections.whatYouShouldDo.startsWith(`- ${email.advice}`));
    assert.deepEqual(words.details, {
      organisation: "Linux Australia Inc.",
      contactEmail: "council@linux-australia.example",
      contactPhone: "+61 2 5550 1234",
    });
    assert.equal(words.sections.when, "", "sections the statement does not fill stay as they were");
  });

  it("carries the data categories over in the version's words where it has them", () => {
    const words = started("fr", {
      password_hashes: { name: "Empreintes de mots de passe", advice: "Changez vos mots de passe." },
    });
    assert.equal(words.sections.whatInformation, "- Empreintes de mots de passe: MD5, unsalted");
    assert.match(words.sections.whatYouShouldDo, /^- Changez vos mots de passe\.$/m);
    assert.match(
      words.sections.whatYouShouldDo,
      new RegExp(`^- ${email.advice.replace(/[.?()]/g, "\\$&")}$`, "m"),
      "no words: English",
    );
    // And the French notice agrees with the English statement: the category is the same in both wordings.
    assert.deepEqual(compareWithStatement(words, statement, categories).differences, []);
  });

  it("finds a notice started from the statement in agreement", () => {
    const result = compareWithStatement(started(), statement, categories);
    assert.equal(result.isAgreed, true, result.differences.join(" "));
    assert.deepEqual(
      result.items.map((i) => i.key),
      ["kinds", "steps", "contact"],
    );
  });

  it("names a kind of information only the notice gives, and one only the statement gives", () => {
    const words = started();
    words.sections.whatInformation = "The attacker could read:\n- Conference registrations";
    const withFewer = { ...statement, kindsOfInformation: `${email.name}\n${hashes.name}\nDates of birth` };
    const result = compareWithStatement(words, withFewer, categories);
    assert.equal(result.isAgreed, false);
    const kinds = result.items.find((i) => i.key === "kinds")!;
    assert.deepEqual(kinds.onlyInNotice, ["Conference registrations"], "the prose line is not a kind");
    assert.deepEqual(kinds.onlyInStatement, ["Dates of birth"]);
    assert.deepEqual(result.differences, [
      "Kinds of information: the statement gives “Dates of birth”, which the notice does not; the notice gives “Conference registrations”, which the statement does not.",
    ]);
  });

  it("names a step the notice leaves out, and a contact that is not the statement's", () => {
    const words = started();
    words.sections.whatYouShouldDo = "Please:\n- Be careful.";
    words.details.contactEmail = "help@example.org";
    words.details.contactPhone = "(02) 5550 1234";
    const result = compareWithStatement(words, statement, categories);
    const steps = result.items.find((i) => i.key === "steps")!;
    assert.deepEqual(steps.onlyInStatement, ["Change your password on any other site where you used it."]);
    assert.deepEqual(steps.onlyInNotice, ["Be careful."]);
    const contact = result.items.find((i) => i.key === "contact")!;
    assert.deepEqual(
      contact.onlyInStatement,
      ["council@linux-australia.example"],
      "the phone is the same number, written locally",
    );
    assert.deepEqual(contact.onlyInNotice, ["help@example.org"]);
    assert.equal(result.differences.length, 2);
  });

  it("asks nothing of the notice's contact when the statement gives no address or number", () => {
    const words = started();
    words.details.contactEmail = "anyone@example.org";
    const result = compareWithStatement(words, { ...statement, contact: "Linux Australia Inc." }, categories);
    assert.deepEqual(result.items.find((i) => i.key === "contact")!.onlyInNotice, []);
  });

  it("reads contact details, wording and severity", () => {
    assert.deepEqual(contactOf("Privacy officer\nE-mail: dpo@example.eu\nPhone: +49 30 1234567"), {
      emails: ["dpo@example.eu"],
      phones: ["+49 30 1234567"],
      name: "Privacy officer",
    });
    assert.equal(contactOf("E-mail: a@b.example").name, "", "an address is not a name");
    assert.equal(normaliseItem("- Change  your Password."), "change your password");
    assert.equal(statementSeverityOf("AU-NDB-oaic"), "refusal");
    assert.equal(statementSeverityOf("EU-GDPR-33"), "warning");
  });

  it("starts from the newest submitted statement, else the newest", () => {
    const a = { ...statement, statementId: "a", submittedAt: new Date("2026-03-01T00:00:00Z") };
    const b = { ...statement, statementId: "b", submittedAt: new Date("2026-03-02T00:00:00Z") };
    const draft = { ...statement, statementId: "c", submittedAt: null };
    assert.equal(
      preferredStatement([
        { newest: a, submitted: a },
        { newest: b, submitted: b },
        { newest: draft, submitted: null },
      ])?.statementId,
      "b",
    );
    assert.equal(preferredStatement([{ newest: draft, submitted: null }])?.statementId, "c");
    assert.equal(preferredStatement([]), null);
  });
});
