import { parseArgs } from "node:util";
import { loadConfig } from "../config/config.js";
import { openDatabase } from "../db/client.js";
import { migrateDatabase } from "../db/migrate.js";
import { systemClock } from "../lib/clock.js";
import { createLogger } from "../lib/logger.js";
import { createMailer } from "../mail/create-mailer.js";
import { setPasswordFromCommandLine } from "../modules/auth/index.js";
import { readPassword } from "./read-password.js";

export const setPasswordUsage = `  breachdesk users set-password --email E
      Sets the password of an account, read from standard input like users create
      (for an administrator who forgot theirs when no SMTP relay carries reset links).
      Ends the account's sessions and lifts its sign-in locks; audited as "cli".`;

/**
 * `breachdesk users set-password`: the way back in for an administrator when no mail relay
 * can deliver a reset link. Returns the exit status (errors are reported by the caller).
 */
export async function usersSetPassword(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: "string" } }, strict: true });
  if (!values.email) {
    process.stderr.write(`Missing --email.\n\nUsage:\n${setPasswordUsage}\n`);
    return 2;
  }
  const password = await readPassword(`New password for ${values.email}: `);
  const config = loadConfig();
  await migrateDatabase(config.DATABASE_URL);
  const db = await openDatabase(config.DATABASE_URL);
  try {
    const deps = { config, db, clock: systemClock, logger: createLogger("silent"), mailer: createMailer(config, db) };
    const user = await setPasswordFromCommandLine(deps, values.email, password, { userId: null, label: "cli", ip: null });
    process.stdout.write(
      `The password of ${user.email} (${user.role}) is set; their sessions have ended. They can sign in now.\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}
