import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Deps } from "../../src/deps.js";
import { fixedClock } from "../../src/lib/clock.js";
import { AppError } from "../../src/lib/errors.js";
import { createLogger } from "../../src/lib/logger.js";
import { builtInCategories } from "../../src/modules/data-categories/catalogue.policy.js";
import { createDataCategory, ensureBuiltInCategories } from "../../src/modules/data-categories/data-categories.service.js";
import { createTestDatabase, type TestDatabase } from "../helpers/db.js";

const actor = { userId: null, label: "admin@example.org", ip: "192.0.2.1" };

/** Just enough of Deps for the catalogue service: it uses the database and the clock. */
function depsFor(db: TestDatabase): Deps {
  return { db, clock: fixedClock(new Date("2026-03-02T09:00:00Z")), logger: createLogger("silent") } as unknown as Deps;
}

describe("the data category catalogue on a real database", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.destroy());

  it("creates every built-in category once; a second run changes nothing", async () => {
    const first = await ensureBuiltInCategories(db);
    assert.equal(first.created.length, builtInCategories.length);
    const snapshot = await db.prisma.dataCategory.findMany({ orderBy: { id: "asc" } });
    const second = await ensureBuiltInCategories(db);
    assert.deepEqual(second, { created: [], updated: [], kept: [] });
    assert.deepEqual(await db.prisma.dataCategory.findMany({ orderBy: { id: "asc" } }), snapshot);
    const health = snapshot.find((c) => c.id === "health");
    assert.equal(health?.sensitivity, "special");
    assert.equal(health?.isBuiltIn, true);
    assert.equal(await db.prisma.auditEntry.count(), 0, "shipping the catalogue is not a user's change");
  });

  it("adds an admin's category with a slug id, audited, and keeps it through later runs", async () => {
    const deps = depsFor(db);
    const category = await createDataCategory(
      deps,
      {
        name: "Loyalty card numbers",
        sensitivity: "medium",
        harm: "Points can be spent by others.",
        advice: "Ask for a new card.",
      },
      actor,
    );
    assert.equal(category.id, "loyalty_card_numbers");
    assert.equal(category.isBuiltIn, false);
    const twin = await createDataCategory(
      deps,
      { name: "Loyalty-card numbers!", sensitivity: "low", harm: "Same.", advice: "Same." },
      actor,
    );
    assert.equal(twin.id, "loyalty_card_numbers_2", "a taken slug gets a suffix");

    await assert.rejects(
      createDataCategory(deps, { name: "LOYALTY CARD NUMBERS", sensitivity: "low", harm: "x", advice: "y" }, actor),
      (error: unknown) =>
        error instanceof AppError && error.code === "conflict" && error.fieldErrors.name === "This name is taken.",
    );

    const entry = await db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "data_category.create", entityId: category.id },
    });
    assert.equal(entry.actorLabel, "admin@example.org");
    assert.equal(JSON.parse(entry.after ?? "{}").name, "Loyalty card numbers");

    await ensureBuiltInCategories(db);
    const kept = await db.prisma.dataCategory.findUniqueOrThrow({ where: { id: category.id } });
    assert.equal(kept.harm, "Points can be spent by others.");
    assert.equal(kept.isBuiltIn, false);
  });

  it("restores the shipped text of a built-in category that differs", async () => {
    await db.prisma.dataCategory.update({ where: { id: "payment_card" }, data: { harm: "edited by hand", sensitivity: "low" } });
    const run = await ensureBuiltInCategories(db);
    assert.deepEqual(run.updated, ["payment_card"]);
    const card = await db.prisma.dataCategory.findUniqueOrThrow({ where: { id: "payment_card" } });
    assert.equal(card.sensitivity, "high");
    assert.equal(card.harm, builtInCategories.find((c) => c.id === "payment_card")?.harm);
  });
});

describe("a catalogue release meeting categories an admin added first", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.destroy());

  it("leaves an admin's category alone when it holds a built-in id or name", async () => {
    const adminFields = { sensitivity: "high", harm: "Admin's harm note.", advice: "Admin's advice.", isBuiltIn: false };
    await db.prisma.dataCategory.create({ data: { id: "genetic", name: "Genetic test results", ...adminFields } });
    await db.prisma.dataCategory.create({ data: { id: "health_records", name: "Health data", ...adminFields } });

    const run = await ensureBuiltInCategories(db);
    assert.deepEqual(run.kept.sort(), ["genetic", "health"]);
    assert.equal(run.created.length, builtInCategories.length - 2);
    const genetic = await db.prisma.dataCategory.findUniqueOrThrow({ where: { id: "genetic" } });
    assert.deepEqual([genetic.name, genetic.harm, genetic.isBuiltIn], ["Genetic test results", "Admin's harm note.", false]);
    assert.equal(await db.prisma.dataCategory.count({ where: { name: "Health data" } }), 1);
    assert.equal(await db.prisma.dataCategory.findUnique({ where: { id: "health" } }), null);
    assert.deepEqual(await ensureBuiltInCategories(db), { created: [], updated: [], kept: ["health", "genetic"] });
  });
});
