import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";

/**
 * The database lane of this test run: TEST_DB=postgresql runs the integration suite against
 * the server in TEST_DATABASE_URL, anything else against a SQLite file. Each call of
 * createTestDatabase makes a new, migrated, empty database that the test owns.
 */
export const testLane: "sqlite" | "postgresql" = process.env.TEST_DB === "postgresql" ? "postgresql" : "sqlite";

export interface TestDatabase extends Database {
  url: string;
  /** Closes the client and removes the database. */
  destroy(): Promise<void>;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const url = testLane === "postgresql" ? await createPostgresDatabase() : createSqliteFile();
  if (options.migrate !== false) await migrateDatabase(url.value);
  const db = await openDatabase(url.value);
  return {
    ...db,
    url: url.value,
    async destroy() {
      await db.close();
      await url.remove();
    },
  };
}

function createSqliteFile() {
  const dir = mkdtempSync(join(tmpdir(), "breachdesk-test-"));
  return { value: `file:${join(dir, "test.db")}`, remove: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function createPostgresDatabase() {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl)
    throw new Error("TEST_DB=postgresql needs TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres");
  const name = `bd_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    value: url.toString(),
    async remove() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
