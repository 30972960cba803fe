import { parseArgs } from "node:util";
import { loadConfig } from "../config/config.js";
import { openDatabase } from "../db/client.js";
import { migrateDatabase } from "../db/migrate.js";
import { systemClock } from "../lib/clock.js";
import { createLogger } from "../lib/logger.js";
import { parseInput } from "../lib/validation.js";
import { createMailer } from "../mail/create-mailer.js";
import { createApiTokenForEmail, createApiTokenSchema } from "../modules/api-tokens/index.js";
import { normaliseEmail } from "../modules/users/index.js";

export const tokensUsage = `  breachdesk tokens create --email E [--name N]
      Creates a personal API token for an active user and prints it once on standard
      output; it acts with that user's role. The name defaults to "command line".`;

/**
 * `breachdesk tokens create`: prints the new token alone on standard output (so a script can
 * capture it) and everything for people on standard error. Returns the exit status.
 */
export async function tokensCreate(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: "string" }, name: { type: "string" } }, strict: true });
  if (!values.email) {
    process.stderr.write(`Missing --email.\n\nUsage:\n${tokensUsage}\n`);
    return 2;
  }
  const input = parseInput(createApiTokenSchema, { name: values.name ?? "command line" });
  const config = loadConfig();
  await migrateDatabase(config.DATABASE_URL);
  const db = await openDatabase(config.DATABASE_URL);
  try {
    const deps = { config, db, clock: systemClock, logger: createLogger("silent"), mailer: createMailer(config, db) };
    const { owner, token, apiToken } = await createApiTokenForEmail(deps, normaliseEmail(values.email), input, {
      userId: null,
      label: "cli",
      ip: null,
    });
    process.stdout.write(`${token}\n`);
    process.stderr.write(
      `Created the API token "${apiToken.name}" (${apiToken.prefix}…) for ${owner.email}, acting as ${owner.role}. ` +
        "Copy it now: it will not be shown again.\n",
    );
    return 0;
  } finally {
    await db.close();
  }
}
