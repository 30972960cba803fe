import { type Config, ConfigError, loadConfig, loadDotEnv } from "./config/config.js";
import { type Database, openDatabase } from "./db/client.js";
import { migrateDatabase } from "./db/migrate.js";
import { systemClock } from "./lib/clock.js";
import { createLogger, type Logger } from "./lib/logger.js";
import { applyAuditKey, attachAuditKey, loadOrCreateAuditKey } from "./modules/audit/index.js";
import { ensureBuiltInCategories } from "./modules/data-categories/index.js";

/** Prints one boot step as a plain line, so a person starting the app sees where it stopped. */
export function printStep(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Stops the process with a clear reason (the last step that failed, and what to fix). */
export function failBoot(step: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`✗ ${step}: ${message}\n`);
  process.exit(1);
}

/**
 * Why the web server could not listen, in words that name the port and the setting that
 * changes it, instead of a bare EADDRINUSE.
 */
export function describeListenFailure(error: unknown, host: string, port: number): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE") {
    return `port ${port} on ${host} is already in use by another program (is Breachdesk running already?). Stop that program, or choose a free port with the PORT setting, in .env or the environment (e.g. PORT=${port === 65535 ? 3001 : port + 1}).`;
  }
  if (code === "EACCES") {
    return `this user may not listen on port ${port}: ports below 1024 need extra privileges. Choose a port of 1024 or more with the PORT setting, in .env or the environment (e.g. PORT=3000).`;
  }
  if (code === "EADDRNOTAVAIL") {
    return `${host} is not an address of this machine, so nothing can listen on it. Fix the HOST setting (127.0.0.1 for this machine only, 0.0.0.0 for every network interface).`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Where a database URL points, without its password. */
export function describeDatabase(config: Config): string {
  if (config.databaseKind === "sqlite") return `SQLite ${config.DATABASE_URL.replace(/^file:/, "")}`;
  const url = new URL(config.DATABASE_URL);
  return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/**
 * The boot steps shared by the web server and the worker: read the configuration, apply
 * pending migrations, connect, load the audit key. Each step prints a line; a failure stops the process naming it.
 */
export async function bootCore(): Promise<{ config: Config; db: Database; logger: Logger; clock: typeof systemClock }> {
  let config: Config;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError)
      failBoot("configuration", `${error.message}\nFix these settings (see .env.example) and start again.`);
    throw error;
  }
  printStep(
    `✓ configuration read (database: ${describeDatabase(config)}; mail: ${config.SMTP_URL ? "SMTP relay" : "built-in mail catcher"})`,
  );
  const logger = createLogger(config.LOG_LEVEL);
  try {
    const result = await migrateDatabase(config.DATABASE_URL, {
      onPending: (count) => printStep(`Migrating the database (${count} ${count === 1 ? "migration" : "migrations"})...`),
    });
    printStep(`✓ database migrated (${result.applied.length} applied now, ${result.alreadyApplied} before)`);
  } catch (error) {
    failBoot("database migration", error);
  }
  let db: Database;
  try {
    db = await openDatabase(config.DATABASE_URL);
    await db.prisma.$queryRawUnsafe("SELECT 1");
  } catch (error) {
    failBoot("database connection", error);
  }
  printStep("✓ database connected");
  await bootAuditKey(config, db);
  try {
    // The built-in catalogue of data categories: one read when it is up to date.
    await ensureBuiltInCategories(db);
  } catch (error) {
    failBoot("data categories catalogue", error);
  }
  return { config, db, logger, clock: systemClock };
}

/**
 * Loads the audit key (AUDIT_KEY, or the key file beside the database, created on first start)
 * and applies it to the chain; a key that is not the chain's stops the start (decision 0006).
 */
async function bootAuditKey(config: Config, db: Database): Promise<void> {
  try {
    const key = loadOrCreateAuditKey(config);
    const { fromSeq, isNew } = await applyAuditKey(db, key);
    attachAuditKey(db, key);
    const where = key.createdAt ? `generated into ${key.createdAt}: back it up apart from the database` : `from ${key.source}`;
    printStep(`✓ audit key ${where}; entries ${isNew ? "are now" : "are"} keyed from #${fromSeq}`);
    if (key.warning) printStep(`! ${key.warning}`);
  } catch (error) {
    failBoot("audit key", error);
  }
}
