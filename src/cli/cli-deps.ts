import { type Config, loadConfig } from "../config/config.js";
import { type Database, openDatabase } from "../db/client.js";
import { migrateDatabase } from "../db/migrate.js";
import type { Deps } from "../deps.js";
import { systemClock } from "../lib/clock.js";
import { createLogger } from "../lib/logger.js";
import { createMailer } from "../mail/create-mailer.js";
import type { Mailer } from "../mail/mailer.js";
import { attachAuditKey, readAuditKey } from "../modules/audit/index.js";

/** Runs a command's work with the services' dependencies, opened for it and closed after. */
export type OpenDeps = <T>(run: (deps: Deps) => Promise<T>) => Promise<T>;

/**
 * The dependencies from the settings in `env`: the database (migrated first, as the app does at
 * start), the system clock, a silent logger and the configured mailer; the database and the
 * mailer are closed when `run` ends, however it ends.
 */
export async function withCliDeps<T>(env: NodeJS.ProcessEnv, run: (deps: Deps) => Promise<T>): Promise<T> {
  const config = loadConfig(env);
  await migrateDatabase(config.DATABASE_URL);
  const db = await openDatabase(config.DATABASE_URL);
  let mailer: Mailer | undefined;
  try {
    mailer = createMailer(config, db);
    attachKeyOf(config, db);
    return await run({ config, db, clock: systemClock, logger: createLogger("silent"), mailer });
  } finally {
    await mailer?.close();
    await db.close();
  }
}

/** withCliDeps for the settings in `env`, in the shape a command that lets tests pass their own takes. */
export function cliDepsFrom(env: NodeJS.ProcessEnv): OpenDeps {
  return (run) => withCliDeps(env, run);
}

/**
 * Attaches the audit key the settings name (AUDIT_KEY, else the key file beside the database).
 * Without it the first audit entry would look the key up in process.env, which is not this
 * command's environment when it runs inside another process (a test). A key that cannot be read is
 * left to that first entry to report, as before, so a command that audits nothing still runs.
 */
function attachKeyOf(config: Config, db: Database): void {
  let key: ReturnType<typeof readAuditKey>;
  try {
    key = readAuditKey(config, config.DATABASE_URL);
  } catch {
    return;
  }
  if (key) attachAuditKey(db, key);
}
