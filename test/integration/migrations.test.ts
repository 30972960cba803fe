import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { DbOrTx } from "../../src/db/client.js";
import { migrateDatabase, readMigrations } from "../../src/db/migrate.js";
import { projectRoot } from "../../src/lib/paths.js";
import { createTestDatabase, type TestDatabase, testLane } from "../helpers/db.js";

/** Tables, columns and indexes of a database, in a form two databases can be compared by. */
async function describeSchema(db: DbOrTx): Promise<unknown[]> {
  if (testLane === "sqlite") {
    const columns = await db.$queryRawUnsafe(
      `SELECT m.name AS tbl, p.name AS col, p.type AS type, p."notnull" AS is_notnull, p.dflt_value AS dflt, p.pk AS pk
       FROM sqlite_master m JOIN pragma_table_info(m.name) p
       WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_breachdesk_migrations' ORDER BY 1, 2`,
    );
    const indexes = await db.$queryRawUnsafe(
      `SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`,
    );
    const foreignKeys = await db.$queryRawUnsafe(
      `SELECT m.name AS tbl, f."table" AS target, f."from" AS col, f.on_delete AS on_delete
       FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY 1, 3`,
    );
    return [columns, indexes, foreignKeys];
  }
  const columns = await db.$queryRawUnsafe(
    `SELECT table_name::text AS tbl, column_name::text AS col, data_type::text AS type, is_nullable::text AS nullable,
            column_default::text AS dflt
     FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_breachdesk_migrations' ORDER BY 1, 2`,
  );
  const indexes = await db.$queryRawUnsafe(
    `SELECT indexname::text AS name, indexdef::text AS def FROM pg_indexes WHERE schemaname = 'public'
     AND tablename <> '_breachdesk_migrations' ORDER BY 1`,
  );
  const constraints = await db.$queryRawUnsafe(
    `SELECT conname::text AS name, pg_get_constraintdef(oid)::text AS def FROM pg_constraint
     WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_breachdesk_migrations' ORDER BY 1`,
  );
  return [columns, indexes, constraints];
}

describe(`migrations (${testLane})`, () => {
  let migrated: TestDatabase;
  before(async () => {
    // From empty here, not from the helper's migrated template (made once per set of migrations).
    migrated = await createTestDatabase({ migrate: false });
    await migrateDatabase(migrated.url);
  });
  after(() => migrated.destroy());

  it("applies from empty, and a second run changes nothing", async () => {
    const again = await migrateDatabase(migrated.url);
    assert.deepEqual(again.applied, []);
    assert.equal(again.alreadyApplied, readMigrations(testLane).length);
  });

  it("build exactly the schema that prisma/model.prisma describes", async () => {
    const sql = execFileSync(
      process.execPath,
      [
        join(projectRoot, "scripts/prisma.mjs"),
        "migrate",
        "diff",
        "--from-empty",
        "--to-schema-datamodel",
        join(projectRoot, "prisma", testLane, "schema.prisma"),
        "--script",
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PRISMA_PROVIDER: testLane } },
    );
    const fromModel = await createTestDatabase({ migrate: false });
    try {
      for (const statement of sql
        .split(/;\s*$/m)
        .map((s) => s.trim())
        .filter((s) => s && !/^(--[^\n]*\n?)+$/.test(s))) {
        await fromModel.prisma.$executeRawUnsafe(statement);
      }
      assert.deepEqual(await describeSchema(migrated.prisma), await describeSchema(fromModel.prisma));
    } finally {
      await fromModel.destroy();
    }
  });

  it("refuses to start when an applied migration was edited", async () => {
    const [first] = readMigrations(testLane);
    await migrated.prisma.$executeRawUnsafe(
      `UPDATE _breachdesk_migrations SET checksum = 'edited' WHERE name = '${first?.name}'`,
    );
    await assert.rejects(migrateDatabase(migrated.url), /was changed after it was applied/);
  });

  // The check covers both providers at once, so one lane runs it.
  it("the committed schemas and migrations have not drifted from the model (npm run db:check)", {
    skip: testLane !== "sqlite" && "run in the SQLite lane",
  }, () => {
    const output = execFileSync(process.execPath, [join(projectRoot, "scripts/check-schema-drift.mjs")], { encoding: "utf8" });
    assert.match(output, /generated schemas match/);
    assert.match(output, /sqlite: every model change has a migration/);
    assert.match(output, /postgresql: every model change has a migration/);
  });
});
