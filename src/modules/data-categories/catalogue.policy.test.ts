import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtInCategories, sensitivities } from "./catalogue.policy.js";
import { createCategorySchema } from "./data-categories.schemas.js";

describe("built-in catalogue", () => {
  it("has at least 18 categories with unique slug ids and unique names", () => {
    assert.ok(builtInCategories.length >= 18, `only ${builtInCategories.length}`);
    const ids = builtInCategories.map((c) => c.id);
    const names = builtInCategories.map((c) => c.name.toLowerCase());
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(new Set(names).size, names.length);
    for (const id of ids) assert.match(id, /^[a-z0-9]+(_[a-z0-9]+)*$/, id);
  });

  it("holds the categories incidents most often involve", () => {
    const ids = new Set(builtInCategories.map((c) => c.id));
    for (const id of [
      "identity",
      "contact_details",
      "postal_address",
      "email_address",
      "phone_number",
      "date_of_birth",
      "government_id",
      "financial_account",
      "payment_card",
      "credentials_passwords",
      "password_hashes",
      "health",
      "biometric",
      "genetic",
      "location",
      "children",
      "racial_ethnic_origin",
      "political_religious_beliefs",
      "sexual_orientation",
      "criminal_records",
      "employment",
      "online_identifiers",
    ]) {
      assert.ok(ids.has(id), id);
    }
  });

  it("marks the GDPR Art. 9 and 10 categories special", () => {
    const special = builtInCategories.filter((c) => c.sensitivity === "special").map((c) => c.id);
    for (const id of [
      "health",
      "biometric",
      "genetic",
      "racial_ethnic_origin",
      "political_religious_beliefs",
      "trade_union",
      "sexual_orientation",
      "criminal_records",
    ]) {
      assert.ok(special.includes(id), id);
    }
    assert.ok(!special.includes("payment_card"), "card data is high, not an Art. 9 category");
  });

  it("gives every category a known sensitivity and a harm note and advice an admin form would accept", () => {
    for (const category of builtInCategories) {
      assert.ok(sensitivities.includes(category.sensitivity), category.id);
      const parsed = createCategorySchema.safeParse(category);
      assert.ok(parsed.success, `${category.id}: ${JSON.stringify(parsed.error?.issues)}`);
      assert.ok(category.harm.length >= 40 && category.advice.length >= 40, category.id);
    }
  });
});
