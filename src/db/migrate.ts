import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { projectRoot } from "../lib/paths.js";
import { databaseKindOf, sqlitePathOf } from "./client.js";

/**
 * Applies the committed migrations (prisma/<provider>/migrations/<name>/migration.sql) in name
 * order, each in its own transaction, and records them in _breachdesk_migrations with a
 * checksum. The app runs this at every start, so it must be cheap when nothing is pending.
 * Prisma's `migrate deploy` is not used: through @prisma/adapter-pg 6.19 it fails on
 * PostgreSQL (docs/decisions/0002-migrations.md).
 */
export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

const TABLE = "_breachdesk_migrations";
/** Arbitrary constant: the PostgreSQL advisory lock that serialises concurrent migrators. */
const MIGRATION_LOCK_ID = 720_113_001;

/** Reads the migrations of a provider, oldest first. */
export function readMigrations(kind: "sqlite" | "postgresql"): Migration[] {
  const dir = join(projectRoot, "prisma", kind, "migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export interface MigrateOptions {
  /**
   * Told how many migrations are about to be applied (only when some are), before the first
   * one runs, so a start that migrates can say so instead of going quiet.
   */
  onPending?: (pending: number) => void;
}

/** Brings the database a URL names up to date. Throws when an applied migration was edited. */
export async function migrateDatabase(url: string, options: MigrateOptions = {}): Promise<MigrationResult> {
  return databaseKindOf(url) === "postgresql" ? migratePostgres(url, options) : migrateSqlite(url, options);
}

function checkApplied(migrations: Migration[], applied: Map<string, string>): Migration[] {
  for (const [name, checksum] of applied) {
    const migration = migrations.find((m) => m.name === name);
    if (!migration) throw new Error(`migration ${name} is applied to the database but missing from this version`);
    if (migration.checksum !== checksum) {
      throw new Error(`migration ${name} was changed after it was applied; restore it and add a new migration`);
    }
  }
  return migrations.filter((m) => !applied.has(m.name));
}

function migrateSqlite(url: string, options: MigrateOptions): MigrationResult {
  const file = sqlitePathOf(url);
  if (!existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file, { timeout: 5000 });
  try {
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const migrations = readMigrations("sqlite");
    const appliedNames: string[] = [];
    // BEGIN IMMEDIATE takes the write lock first, so a second process waits instead of
    // applying the same migration twice; it re-reads the list under the lock.
    const applyPending = db.transaction(() => {
      const rows = db.prepare(`SELECT name, checksum FROM ${TABLE}`).all() as { name: string; checksum: string }[];
      const pending = checkApplied(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
      if (pending.length > 0) options.onPending?.(pending.length);
      for (const migration of pending) {
        db.exec(migration.sql);
        db.prepare(`INSERT INTO ${TABLE} (name, checksum, applied_at) VALUES (?, ?, ?)`).run(
          migration.name,
          migration.checksum,
          new Date().toISOString(),
        );
        appliedNames.push(migration.name);
      }
      return rows.length;
    });
    const alreadyApplied = applyPending.immediate();
    return { applied: appliedNames, alreadyApplied };
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, options: MigrateOptions): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // A session-level advisory lock: a second process starting at the same time waits here.
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
    );
    const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${TABLE}`);
    const pending = checkApplied(readMigrations("postgresql"), new Map(rows.map((r) => [r.name, r.checksum])));
    if (pending.length > 0) options.onPending?.(pending.length);
    const applied: string[] = [];
    for (const migration of pending) {
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${TABLE} (name, checksum, applied_at) VALUES ($1, $2, now())`, [
          migration.name,
          migration.checksum,
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
      }
      applied.push(migration.name);
    }
    return { applied, alreadyApplied: rows.length };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => {});
    await client.end();
  }
}
