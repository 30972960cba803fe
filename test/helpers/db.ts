import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { createScratchPostgresDatabase } from "./scratch-database.js";

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
  const scratch = await createScratchPostgresDatabase(serverUrl, "bd_test");
  return { value: scratch.url, remove: scratch.remove };
}
