import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CsvRecord } from "../../lib/csv-reader.js";
import { AppError } from "../../lib/errors.js";
import { proposeMapping, resolveMapping } from "./person-fields.policy.js";
import { mergePersonRows, uniqueKeyOf, validateRecord } from "./person-row.policy.js";
import { normaliseCountry, normaliseLanguage, splitName } from "./person-values.policy.js";

const record = (fields: string[], line = 2): CsvRecord => ({ line, fields, raw: fields.join(",") });

describe("person rows", () => {
  const mapping = resolveMapping([
    "Customer ID",
    "E-mail",
    "Full Name",
    "Phone",
    "Street",
    "Country",
    "State",
    "Locale",
    "At Risk",
    "Shoe",
  ]);

  it("guesses fields from English headers and keeps the rest as attributes", () => {
    assert.deepEqual(mapping.fields, [
      "externalId",
      "email",
      "name",
      "phone",
      "postalAddress",
      "country",
      "region",
      "language",
      "isAtRisk",
      "attribute",
    ]);
    const explicit = resolveMapping(["mail", "contact"], { contact: "postal_address", mail: "Ignore" });
    assert.deepEqual(explicit.fields, ["ignore", "postalAddress"]);
    assert.throws(() => resolveMapping(["a"], { b: "email" }), AppError);
  });

  it("normalises a valid row and keys it by external id", () => {
    const verdict = validateRecord(
      record([
        "C-7",
        " Ada@Example.ORG ",
        "Lovelace, Ada",
        "+61 2 9999 0000",
        "1 Main St",
        "australia",
        "nsw",
        "fr_ca",
        "Yes",
        "42",
      ]),
      mapping,
    );
    assert.ok(verdict.ok);
    assert.deepEqual(verdict.person, {
      uniqueKey: "ext:C-7",
      externalId: "C-7",
      givenName: "Ada",
      familyName: "Lovelace",
      email: "Ada@Example.ORG",
      emailNormalized: "ada@example.org",
      phone: "+61 2 9999 0000",
      postalAddress: "1 Main St",
      city: null,
      postcode: null,
      country: "AU",
      region: "AU-NSW",
      language: "fr-CA",
      isAtRisk: true,
      attributes: { Shoe: "42" },
      warnings: {},
    });
    assert.deepEqual(verdict.warnings, []);
  });

  it("keeps a person whose values cannot be used, each unusable value as given under its warning, and not in its field", () => {
    const kept = validateRecord(record(["", "nope", "X Y", "call me", "", "Atlantis", "", "klingon!", "perhaps", ""]), mapping);
    assert.ok(kept.ok);
    assert.deepEqual(kept.warnings, [
      "invalid_email",
      "invalid_phone",
      "unknown_country",
      "invalid_language",
      "invalid_at_risk",
      "missing_contact",
    ]);
    assert.deepEqual(kept.person.warnings, {
      invalid_email: "nope",
      invalid_phone: "call me",
      unknown_country: "Atlantis",
      invalid_language: "klingon!",
      invalid_at_risk: "perhaps",
    });
    const { email, emailNormalized, phone, country, language, isAtRisk, uniqueKey } = kept.person;
    assert.deepEqual(
      { email, emailNormalized, phone, country, language, isAtRisk },
      { email: null, emailNormalized: null, phone: null, country: null, language: null, isAtRisk: null },
    );
    assert.equal(uniqueKey, "email:nope", "the same malformed address merges with itself");
    // A name alone names someone: kept, counted as having no way to be written to.
    const nameOnly = validateRecord(record(["", "", "X", "", "", "AU", "", "", "", ""]), mapping);
    assert.ok(nameOnly.ok);
    assert.deepEqual(nameOnly.warnings, ["missing_contact"]);
    // A malformed address with a postal one: reachable by letter.
    const byPost = validateRecord(record(["", "bob@@example.org", "Bob", "", "1 St", "", "", "", "", ""]), mapping);
    assert.deepEqual(byPost.ok && byPost.warnings, ["invalid_email"]);
  });

  it("rejects only rows that cannot be read reliably or name no one", () => {
    const noOne = validateRecord(record(["", "", "", "", "", "AU", "NSW", "en", "yes", "42"]), mapping);
    assert.deepEqual(noOne.ok ? [] : noOne.reasons, ["no_identity"]);

    const empty = validateRecord(record(Array(10).fill(" ")), mapping);
    assert.deepEqual(empty.ok ? [] : empty.reasons, ["empty_row"]);
    const short = validateRecord(record(["1", "a@b.co"]), mapping);
    assert.deepEqual(short.ok ? [] : short.reasons, ["wrong_field_count"]);
    const quote = validateRecord({ ...record(["x"]), error: "unclosed_quote" }, mapping);
    assert.deepEqual(quote.ok ? [] : quote.reasons, ["unclosed_quote"]);
  });

  it("rejects a control character anywhere and hidden formatting in a name, naming the column, and keeps what languages need", () => {
    const m = resolveMapping(["email", "given name", "family name", "address", "note"]);
    const controlled = validateRecord(record(["a@example.org", "Eve\u0000", "Lee", "", "bell\u0007"]), m);
    assert.deepEqual(controlled.ok ? {} : { reasons: controlled.reasons, notes: controlled.notes }, {
      reasons: ["control_character"],
      notes: { control_character: "The given name column contains a control character (U+0000) at position 4; remove it." },
    });
    const disguised = validateRecord(record(["a@example.org", "Mallory", "Smith\u202Enosaj", "", ""]), m);
    assert.deepEqual(disguised.ok ? [] : disguised.reasons, ["hidden_character"]);
    const both = validateRecord(record(["nope", "Eve\u001b", "\u200bLee", "", ""]), m);
    assert.deepEqual(both.ok ? [] : both.reasons, ["control_character", "hidden_character"]);
    // An address keeps its line breaks, a Persian surname its non-joiner.
    const fine = validateRecord(
      record(["a@example.org", "Ali", "\u062d\u0633\u06cc\u0646\u200c\u0632\u0627\u062f\u0647", "1 St\r\nPerth", ""]),
      m,
    );
    assert.ok(fine.ok);
  });

  it("derives the country from a subdivision code and leaves free-text regions alone", () => {
    const m = resolveMapping(["email", "region"]);
    const coded = validateRecord(record(["a@example.org", "us-ca"]), m);
    assert.ok(coded.ok);
    assert.deepEqual([coded.person.country, coded.person.region], ["US", "US-CA"]);
    const text = validateRecord(record(["a@example.org", "Île-de-France"]), m);
    assert.ok(text.ok);
    assert.deepEqual([text.person.country, text.person.region], [null, "Île-de-France"]);
  });

  it("keys people without email or id by a hash of name, address and phone", () => {
    const base = {
      externalId: null,
      emailNormalized: null,
      givenName: "A",
      familyName: "B",
      postalAddress: "1 St",
      phone: "+61 2 9999",
    };
    assert.equal(uniqueKeyOf(base), uniqueKeyOf({ ...base, givenName: " a ", phone: "+61 (2) 9999" }));
    assert.notEqual(uniqueKeyOf(base), uniqueKeyOf({ ...base, postalAddress: "2 St" }));
    assert.equal(uniqueKeyOf({ ...base, emailNormalized: "x@y.z" }), "email:x@y.z");
  });

  it("merges a later row without blanking earlier values", () => {
    const m = resolveMapping(["email", "name", "phone", "note"]);
    const a = validateRecord(record(["a@example.org", "Ann Lee", "", "one"]), m);
    const b = validateRecord(record(["A@EXAMPLE.ORG", "", "+61 2 1234 5678", "two"]), m);
    assert.ok(a.ok && b.ok);
    const merged = mergePersonRows(a.person, b.person);
    assert.deepEqual(
      [merged.givenName, merged.familyName, merged.phone, merged.attributes],
      ["Ann", "Lee", "+61 2 1234 5678", { note: "two" }],
    );
  });

  it("merges warnings: a later usable value clears one, a later unusable one replaces it, silence keeps it", () => {
    const m = resolveMapping(["id", "email", "phone", "country"]);
    const first = validateRecord(record(["7", "bob@@x.org", "call me", "Atlantis"]), m);
    const fixed = validateRecord(record(["7", "bob@x.org", "", "Mars"]), m);
    assert.ok(first.ok && fixed.ok);
    const merged = mergePersonRows(first.person, fixed.person);
    assert.deepEqual(merged.warnings, { invalid_phone: "call me", unknown_country: "Mars" });
    assert.equal(merged.emailNormalized, "bob@x.org");
  });

  it("maps a postal address's town and postcode as fields of their own", () => {
    const m = resolveMapping(["Email", "Street", "Suburb", "State", "Postcode", "Country"]);
    assert.deepEqual(m.fields, ["email", "postalAddress", "city", "region", "postcode", "country"]);
    assert.deepEqual(resolveMapping(["Town", "ZIP code"]).fields, ["city", "postcode"]);
    const row = validateRecord(record(["a@example.org", "1 Main St", "Fitzroy", "VIC", "3065", "AU"]), m);
    assert.ok(row.ok);
    assert.deepEqual([row.person.city, row.person.region, row.person.postcode], ["Fitzroy", "AU-VIC", "3065"]);
    assert.deepEqual(row.person.attributes, {});
  });

  it("knows codes, a few country and language names, and splits names", () => {
    assert.equal(normaliseCountry("gb"), "GB");
    assert.equal(normaliseCountry("United  Kingdom"), "GB");
    assert.equal(normaliseCountry("XX"), undefined);
    assert.equal(normaliseLanguage("English"), "en");
    assert.equal(normaliseLanguage("zh-hant-tw"), "zh-Hant-TW");
    assert.deepEqual(splitName("Mary Ann  Smith"), { givenName: "Mary Ann", familyName: "Smith" });
    assert.deepEqual(splitName("Cher"), { givenName: "Cher", familyName: "" });
  });

  it("proposes a mapping once: named columns, then the incident's last mapping, then guesses", () => {
    const headers = ["Email", "Name", "Shoe size", "Land"];
    assert.deepEqual(proposeMapping(headers, { Land: "country", Name: "nonsense" }), {
      Email: "email",
      Name: "name",
      "Shoe size": "attribute",
      Land: "country",
    });
    assert.deepEqual(proposeMapping(headers, { Land: "country" }, { land: "ignore" }).Land, "ignore");
    assert.throws(() => proposeMapping(headers, {}, { Nope: "email" }), /cannot be used/);
  });
});
