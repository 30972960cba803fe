// The `breachdesk` command's dispatcher, without the process: src/cli/main.ts runs it with the
// process's streams and environment, tests run it in their own process (test/helpers/cli.ts).
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config/config.js";
import { migrateDatabase } from "../db/migrate.js";
import { wireIncidentEvents } from "../incident-events.js";
import { AppError } from "../lib/errors.js";
import { parseInput } from "../lib/validation.js";
import { createUser, createUserSchema } from "../modules/users/index.js";
import { applicableUsage, runApplicableCommand } from "./applicable-command.js";
import { auditUsage, runAuditCommand } from "./audit-command.js";
import { withCliDeps } from "./cli-deps.js";
import type { CliIo, CliOutput } from "./cli-io.js";
import { deadlinesUsage, runDeadlinesCommand, runRegimesCommand } from "./deadlines-command.js";
import { evidencePackUsage, runEvidencePackCommand, runVerifyPackCommand } from "./evidence-pack-command.js";
import { importUsage, runImportCommand } from "./import-command.js";
import { coverageUsage, runCoverageCommand, runToldCommand } from "./ledger-command.js";
import { membersUsage, runMembersCommand } from "./members-command.js";
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
${membersUsage}
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
function say(stream: CliOutput, text: string) {
  stream.write(`${text}\n`);
}

async function usersCreate(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string" } },
    strict: true,
  });
  const missing = (["email", "name", "role"] as const).filter((key) => !values[key]);
  if (missing.length) {
    say(io.stderr, `Missing ${missing.map((m) => `--${m}`).join(", ")}.\n\n${usage}`);
    return 2;
  }
  const password = await readPassword(io, `Password for ${values.email}: `);
  const input = parseInput(createUserSchema, { method: "password", ...values, password });
  return withCliDeps(io.env, async (deps) => {
    const { user } = await createUser(deps, input, { userId: null, label: "cli", ip: null });
    say(io.stdout, `Created ${user.role} ${user.email} (${user.name}). They can sign in now.`);
    return 0;
  });
}

async function dbMigrate(io: CliIo): Promise<number> {
  const config = loadConfig(io.env);
  const result = await migrateDatabase(config.DATABASE_URL);
  say(io.stdout, result.applied.length ? `Applied ${result.applied.join(", ")}.` : "The database is up to date.");
  return 0;
}

/**
 * Runs one command with the given streams and settings, and returns the exit status: 0 done,
 * 1 failed, 2 bad usage or input (some commands add 3). Sets nothing on the process: the caller
 * sets the exit code; every command closes what it opened.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [group, command, ...rest] = argv;
  wireIncidentEvents();
  try {
    if (group === "users" && command === "create") return await usersCreate(rest, io);
    if (group === "users" && command === "set-password") return await usersSetPassword(rest, io);
    if (group === "db" && command === "migrate") return await dbMigrate(io);
    if (group === "tokens" && command === "create") return await tokensCreate(rest, io);
    if (group === "members") return await runMembersCommand(argv.slice(1), io);
    if (group === "import") return await runImportCommand(argv.slice(1), io);
    if (group === "coverage") return await runCoverageCommand(argv.slice(1), io);
    if (group === "told") return await runToldCommand(argv.slice(1), io);
    if (group === "purge") return await runPurgeCommand(argv.slice(1), io);
    if (group === "lookup-address") return await runLookupAddressCommand(argv.slice(1), io);
    if (group === "audit") return await runAuditCommand(argv.slice(1), io);
    if (group === "evidence-pack") return await runEvidencePackCommand(argv.slice(1), io);
    if (group === "verify-pack") return await runVerifyPackCommand(argv.slice(1), io);
    if (group === "regimes") return runRegimesCommand(argv.slice(1), io);
    if (group === "deadlines") return runDeadlinesCommand(argv.slice(1), io);
    if (group === "applicable") return await runApplicableCommand(argv.slice(1), io);
    const isHelp = group === undefined || group === "help" || group === "--help";
    say(group ? io.stderr : io.stdout, isHelp ? usage : `Unknown command: ${argv.join(" ")}\n\n${usage}`);
    return isHelp ? 0 : 2;
  } catch (error) {
    if (error instanceof AppError) {
      const fields = Object.entries(error.fieldErrors).map(([field, message]) => `  ${field}: ${message}`);
      say(io.stderr, [error.message, ...fields].join("\n"));
      return 2;
    }
    if (error instanceof ConfigError) {
      say(io.stderr, error.message);
      return 2;
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      say(io.stderr, `${error.message}\n\n${usage}`);
      return 2;
    }
    say(io.stderr, `Failed: ${(error as Error).message}`);
    return 1;
  }
}
