import { parseArgs } from "node:util";
import { ConfigError, loadConfig, loadDotEnv } from "../config/config.js";
import { openDatabase } from "../db/client.js";
import { migrateDatabase } from "../db/migrate.js";
import { wireIncidentEvents } from "../incident-events.js";
import { systemClock } from "../lib/clock.js";
import { AppError } from "../lib/errors.js";
import { createLogger } from "../lib/logger.js";
import { parseInput } from "../lib/validation.js";
import { createMailer } from "../mail/create-mailer.js";
import { createUser, createUserSchema } from "../modules/users/index.js";
import { applicableUsage, runApplicableCommand } from "./applicable-command.js";
import { auditUsage, runAuditCommand } from "./audit-command.js";
import { deadlinesUsage, runDeadlinesCommand, runRegimesCommand } from "./deadlines-command.js";
import { evidencePackUsage, runEvidencePackCommand, runVerifyPackCommand } from "./evidence-pack-command.js";
import { importUsage, runImportCommand } from "./import-command.js";
import { coverageUsage, runCoverageCommand, runToldCommand } from "./ledger-command.js";
import { purgeUsage, runLookupAddressCommand, runPurgeCommand } from "./purge-command.js";
import { readPassword } from "./read-password.js";
import { setPasswordUsage, usersSetPassword } from "./set-password-command.js";
import { tokensCreate, tokensUsage } from "./tokens-command.js";

const usage = `Usage:
  breachdesk users create --email E --name N --role admin|manager|viewer
      Creates an active user. The password is read from standard input
      (typed at a prompt, or piped: echo "$PASSWORD" | breachdesk users create ...).
${setPasswordUsage}
${tokensUsage}
  breachdesk db migrate
      Applies pending database migrations (the app also does this when it starts).
${deadlinesUsage}
${applicableUsage}
${importUsage}
${coverageUsage}
${purgeUsage}
${auditUsage}
${evidencePackUsage}

Settings come from the environment (DATABASE_URL, ...): see .env.example.`;

/** Writes a line for the person at the terminal (the CLI's output is for people). */
function say(text: string, stream: NodeJS.WriteStream = process.stdout) {
  stream.write(`${text}\n`);
}

async function usersCreate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string" } },
    strict: true,
  });
  const missing = (["email", "name", "role"] as const).filter((key) => !values[key]);
  if (missing.length) {
    say(`Missing ${missing.map((m) => `--${m}`).join(", ")}.\n\n${usage}`, process.stderr);
    return 2;
  }
  const password = await readPassword(`Password for ${values.email}: `);
  const input = parseInput(createUserSchema, { method: "password", ...values, password });
  const config = loadConfig();
  await migrateDatabase(config.DATABASE_URL);
  const db = await openDatabase(config.DATABASE_URL);
  try {
    const deps = { config, db, clock: systemClock, logger: createLogger("silent"), mailer: createMailer(config, db) };
    const { user } = await createUser(deps, input, { userId: null, label: "cli", ip: null });
    say(`Created ${user.role} ${user.email} (${user.name}). They can sign in now.`);
    return 0;
  } finally {
    await db.close();
  }
}

async function dbMigrate(): Promise<number> {
  const config = loadConfig();
  const result = await migrateDatabase(config.DATABASE_URL);
  say(result.applied.length ? `Applied ${result.applied.join(", ")}.` : "The database is up to date.");
  return 0;
}

/** Runs one command and returns the exit status: 0 done, 1 failed, 2 bad usage or input. */
export async function runCli(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  wireIncidentEvents();
  try {
    if (group === "users" && command === "create") return await usersCreate(rest);
    if (group === "users" && command === "set-password") return await usersSetPassword(rest);
    if (group === "db" && command === "migrate") return await dbMigrate();
    if (group === "tokens" && command === "create") return await tokensCreate(rest);
    if (group === "import") return await runImportCommand(argv.slice(1));
    if (group === "coverage") return await runCoverageCommand(argv.slice(1));
    if (group === "told") return await runToldCommand(argv.slice(1));
    if (group === "purge") return await runPurgeCommand(argv.slice(1));
    if (group === "lookup-address") return await runLookupAddressCommand(argv.slice(1));
    if (group === "audit") return await runAuditCommand(argv.slice(1));
    if (group === "evidence-pack") return await runEvidencePackCommand(argv.slice(1));
    if (group === "verify-pack") return await runVerifyPackCommand(argv.slice(1));
    if (group === "regimes") return runRegimesCommand(argv.slice(1));
    if (group === "deadlines") return runDeadlinesCommand(argv.slice(1));
    if (group === "applicable") return await runApplicableCommand(argv.slice(1));
    say(
      group === undefined || group === "help" || group === "--help" ? usage : `Unknown command: ${argv.join(" ")}\n\n${usage}`,
      group ? process.stderr : process.stdout,
    );
    return group === undefined || group === "help" || group === "--help" ? 0 : 2;
  } catch (error) {
    if (error instanceof AppError) {
      const fields = Object.entries(error.fieldErrors).map(([field, message]) => `  ${field}: ${message}`);
      say([error.message, ...fields].join("\n"), process.stderr);
      return 2;
    }
    if (error instanceof ConfigError) {
      say(error.message, process.stderr);
      return 2;
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      say(`${error.message}\n\n${usage}`, process.stderr);
      return 2;
    }
    say(`Failed: ${(error as Error).message}`, process.stderr);
    return 1;
  }
}

loadDotEnv();
process.exitCode = await runCli(process.argv.slice(2));
