import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { slugFromName, uniqueSlug } from "./data-categories.service.js";
import { sortBySensitivity } from "./incident-data.service.js";

describe("category ids from names", () => {
  it("turns a name into a lower-case slug", () => {
    assert.equal(slugFromName("Loyalty card numbers"), "loyalty_card_numbers");
    assert.equal(slugFromName("  Vehicle registration / licence plates! "), "vehicle_registration_licence_plates");
    assert.equal(slugFromName("Données de santé"), "donnees_de_sante");
  });

  it("falls back to 'category' when no letter or digit is left, and stays short", () => {
    assert.equal(slugFromName("健康"), "category");
    assert.equal(slugFromName("---"), "category");
    const long = slugFromName("a ".repeat(60));
    assert.ok(long.length <= 48 && !long.endsWith("_"), long);
  });

  it("adds the first free suffix when the slug is taken", () => {
    assert.equal(uniqueSlug("health", new Set()), "health");
    assert.equal(uniqueSlug("health", new Set(["health"])), "health_2");
    assert.equal(uniqueSlug("health", new Set(["health", "health_2"])), "health_3");
  });
});

describe("sortBySensitivity", () => {
  const entry = (name: string, sensitivity: string, sortOrder: number) => ({ category: { name, sensitivity, sortOrder } });

  it("lists special first, then high, medium and low, catalogue order within a level", () => {
    const sorted = sortBySensitivity([
      entry("Email", "low", 40),
      entry("Password hashes", "medium", 110),
      entry("Postal", "medium", 30),
      entry("Health", "special", 130),
      entry("Cards", "high", 90),
      entry("Added later", "high", 1000),
    ]);
    assert.deepEqual(
      sorted.map((e) => e.category.name),
      ["Health", "Cards", "Added later", "Postal", "Password hashes", "Email"],
    );
  });
});
