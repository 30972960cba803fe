import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtInCategories } from "../data-categories/catalogue.policy.js";
import {
  categoriesInEnglish,
  categoryWordsWarning,
  incidentCategories,
  isEnglish,
  languageName,
  wordCategory,
} from "./notice-category-words.policy.js";
import { parseContent, serializeContent } from "./notice-content.policy.js";
import { validateCategoryWords } from "./notice-validation.policy.js";

const catalogue = builtInCategories.map((c, i) => ({ ...c, sortOrder: i }));
const involved = incidentCategories(catalogue, ["contact_details", "password_hashes", "email_address"]);
const names = new Map(catalogue.map((c) => [c.id, c.name]));

describe("category words of a version", () => {
  it("reads a version saved before category words as having none, and writes it back unchanged", () => {
    const old = JSON.stringify({
      whoWeAre: "We are us.",
      whatHappened: "",
      when: "",
      whatInformation: "",
      whatWeHaveDone: "",
      whatYouShouldDo: "",
      learnMore: "",
      headings: {},
      details: { organisation: "Us", contactEmail: "", contactPhone: "" },
      checkedItems: [],
    });
    const content = parseContent(old);
    assert.deepEqual(content.categoryWords, {});
    assert.doesNotMatch(serializeContent(content), /categoryWords/, "no key, so the same words compare equal to the old version");
    assert.equal(serializeContent(content), serializeContent(parseContent(serializeContent(content))));
  });

  it("keeps only the categories given a name or advice, trimmed and in id order; a malformed entry reads as none", () => {
    const json = JSON.stringify({
      categoryWords: {
        password_hashes: { name: " Empreintes ", advice: "" },
        email_address: { name: "", advice: "Méfiez-vous." },
        identity: { name: "  ", advice: "" },
        health: "not an object",
        location: { name: 42, advice: ["x"] },
        proto_key: { name: "polluted", advice: "" },
        "Not An Id": { name: "x", advice: "" },
      },
    });
    const content = parseContent(json.replace('"proto_key"', '"__proto__"'));
    assert.deepEqual(content.categoryWords, {
      email_address: { name: "", advice: "Méfiez-vous." },
      password_hashes: { name: "Empreintes", advice: "" },
    });
    assert.equal(Object.getPrototypeOf(content.categoryWords), Object.prototype);
    const written = JSON.parse(serializeContent(content));
    assert.deepEqual(Object.keys(written.categoryWords), ["email_address", "password_hashes"]);
    assert.deepEqual(parseContent("not json").categoryWords, {});
    assert.deepEqual(parseContent(JSON.stringify({ categoryWords: ["x"] })).categoryWords, {});
  });

  it("names a category in the version's words, each of name and advice on its own, else the catalogue's", () => {
    const hashes = catalogue.find((c) => c.id === "password_hashes")!;
    assert.deepEqual(wordCategory(hashes, { password_hashes: { name: "Empreintes\nde mots", advice: "" } }), {
      id: "password_hashes",
      name: "Empreintes de mots",
      advice: hashes.advice,
    });
    assert.deepEqual(wordCategory(hashes, undefined), { id: "password_hashes", name: "Password hashes", advice: hashes.advice });
    // An id that is also an inherited property's name is not read from the prototype.
    assert.equal(wordCategory({ ...hashes, id: "constructor" }, {}).name, "Password hashes");
  });

  it("finds the incident's categories a version in another language than English still names in English", () => {
    assert.deepEqual(
      involved.map((c) => c.id),
      ["password_hashes", "contact_details", "email_address"],
      "in notice order",
    );
    const words = {
      password_hashes: { name: "Empreintes de mots de passe", advice: "Changez-le." },
      email_address: { name: "Adresses courriel", advice: "" },
    };
    assert.deepEqual(categoriesInEnglish("fr-CA", involved, words), [
      { id: "contact_details", name: "Contact details", isAdviceOnly: false },
      { id: "email_address", name: "E-mail addresses", isAdviceOnly: true },
    ]);
    assert.deepEqual(categoriesInEnglish("en", involved, {}), []);
    assert.deepEqual(categoriesInEnglish("en-AU", involved, {}), []);
    assert.ok(isEnglish("EN_gb"));
    assert.ok(!isEnglish("eo"));
  });

  it("says which categories are in English and what to do, naming the language", () => {
    assert.equal(
      categoryWordsWarning("fr", categoriesInEnglish("fr", involved, {})),
      "The fr version names 3 data categories in English: Password hashes, Contact details, E-mail addresses; give their French wording in the editor.",
    );
    assert.equal(
      categoryWordsWarning("de-AT", [{ id: "email_address", name: "E-mail addresses", isAdviceOnly: true }]),
      "The de-AT version names 1 data category in English: E-mail addresses (its advice); give its German wording in the editor.",
    );
    assert.equal(categoryWordsWarning("fr", []), "");
    assert.equal(languageName("fr-CA"), "French");
    assert.equal(languageName("qq"), "qq", "an unknown language is named by its tag");
  });

  it("refuses words over their limits or with placeholders, naming the category", () => {
    const errors = validateCategoryWords(
      {
        password_hashes: { name: "x".repeat(121), advice: "y".repeat(1001) },
        email_address: { name: "Courriel de {{first_name}}", advice: "Bien." },
        contact_details: { name: "x".repeat(120), advice: "y".repeat(1000) },
      },
      names,
    );
    assert.deepEqual(errors, {
      categoryName_password_hashes: 'The name given for "Password hashes" has at most 120 characters (it has 121).',
      categoryAdvice_password_hashes: 'The advice given for "Password hashes" has at most 1,000 characters (it has 1,001).',
      categoryName_email_address: 'The name given for "E-mail addresses" cannot hold placeholders: write it as plain words.',
    });
  });
});
