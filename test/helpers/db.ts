import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrateDatabase, readMigrations } from "../../src/db/migrate.js";
import { createScratchPostgresDatabase } from "./scratch-database.js";

/**
 * The database lane of this test run: TEST_DB=postgresql runs the integration suite against
 * the server in TEST_DATABASE_URL, anything else against a SQLite file. Each call of
 * createTestDatabase makes a new, migrated, empty database that the test owns.
 *
 * Running the migrations for every database was the dearest part of making one (on
 * PostgreSQL about 2 s of the server's time), so the migrations run once into a template
 * named by their checksums, and each test database is a copy of it: on SQLite a copy of the
 * file, on PostgreSQL `CREATE DATABASE ... TEMPLATE`. A changed or new migration makes a new
 * template. test/integration/migrations.test.ts still migrates an empty database itself.
 */
export const testLane: "sqlite" | "postgresql" = process.env.TEST_DB === "postgresql" ? "postgresql" : "sqlite";

export interface TestDatabase extends Database {
  url: string;
  /** Closes the client and removes the database. */
  destroy(): Promise<void>;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrate !== false;
  const url = testLane === "postgresql" ? await createPostgresDatabase(migrated) : await createSqliteFile(migrated);
  const db = await openDatabase(url.value);
  return {
    ...db,
    url: url.value,
    async destroy() {
      if (!(await closesWithin(db.close(), CLOSE_WAIT_MS))) {
        // Seen on PostgreSQL in CI, now and then: the pool's end waited for ever on a connection
        // "idle in transaction" (a BEGIN and nothing after, at the end of a suite), holding the
        // whole lane. The database is removed anyway (on PostgreSQL the drop ends its sessions),
        // and the line below says it happened.
        process.stderr.write(
          `test database ${url.value}: its client did not close within ${CLOSE_WAIT_MS / 1000} s (a transaction left open?); removed anyway\n`,
        );
      }
      await url.remove();
    },
  };
}

/** How long a test database's client may take to close before the database is removed regardless. */
const CLOSE_WAIT_MS = 15_000;

/** Whether `closing` resolves within `ms` (a rejection is thrown); the timer is cleared either way. */
export async function closesWithin(closing: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([closing.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Names the current set of migrations of a provider: a template is made for each set. */
function migrationsKey(kind: "sqlite" | "postgresql"): string {
  const hash = createHash("sha256");
  for (const m of readMigrations(kind)) hash.update(`${m.name}\0${m.checksum}\0`);
  return hash.digest("hex").slice(0, 16);
}

let sqliteTemplate: string | undefined;

/** The migrated template file of this set of migrations, made once (by whichever process comes first). */
async function sqliteTemplateFile(): Promise<string> {
  if (sqliteTemplate && existsSync(sqliteTemplate)) return sqliteTemplate;
  const path = join(tmpdir(), `breachdesk-test-template-${migrationsKey("sqlite")}.db`);
  if (!existsSync(path)) {
    const dir = mkdtempSync(join(tmpdir(), "breachdesk-template-"));
    try {
      const file = join(dir, "template.db");
      await migrateDatabase(`file:${file}`);
      // One self-contained file (no -wal beside it), so a copy of the file is the whole database.
      const db = new BetterSqlite3(file);
      db.pragma("journal_mode = DELETE");
      db.close();
      // A rename is atomic: a process running at the same time finds either no file or a whole one.
      renameSync(file, path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  sqliteTemplate = path;
  return path;
}

async function createSqliteFile(migrated: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "breachdesk-test-"));
  const file = join(dir, "test.db");
  if (migrated) copyFileSync(await sqliteTemplateFile(), file);
  return { value: `file:${file}`, remove: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** Arbitrary constant: the advisory lock under which one process makes the PostgreSQL template. */
const TEMPLATE_LOCK_ID = 720_113_002;
let postgresTemplate: string | undefined;

/** The migrated template database of this set of migrations, made once on the server. */
async function postgresTemplateName(serverUrl: string): Promise<string> {
  if (postgresTemplate) return postgresTemplate;
  const name = `bd_template_${migrationsKey("postgresql")}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK_ID]);
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) {
      // Made under another name and renamed once migrated, so no one ever copies a half-made template.
      const scratch = await createScratchPostgresDatabase(serverUrl, "bd_template_build");
      try {
        await migrateDatabase(scratch.url);
        await client.query(`ALTER DATABASE ${new URL(scratch.url).pathname.slice(1)} RENAME TO ${name}`);
      } catch (error) {
        await scratch.remove();
        throw error;
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK_ID]).catch(() => {});
    await client.end();
  }
  postgresTemplate = name;
  return name;
}

async function createPostgresDatabase(migrated: boolean) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl)
    throw new Error("TEST_DB=postgresql needs TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres");
  const template = migrated ? await postgresTemplateName(serverUrl) : undefined;
  const scratch = await createScratchPostgresDatabase(serverUrl, "bd_test", { template, forTests: true });
  return { value: scratch.url, remove: scratch.remove };
}
