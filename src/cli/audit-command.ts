import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/config.js";
import { type Database, databaseKindOf, openDatabase, sqlitePathOf } from "../db/client.js";
import { type AuditVerification, auditAnchorPath, readAuditKey, verifyAuditChain } from "../modules/audit/index.js";
import type { CliIo } from "./cli-io.js";

export const auditUsage = `  breachdesk audit verify [--json]
      Checks the audit log: every entry's hash (keyed with the audit key from the entry
      the database records on), every link, and the latest line of the anchor file, so
      deleted last entries and a chain recomputed without the key are both found. Prints
      what it checked; --json prints one JSON object instead. Exit status 0 intact, 1
      broken (the first bad entry and why), 2 when it cannot check (no database, no key or
      the wrong one, an unreadable file).`;

/** The one JSON object --json prints. */
function verificationJson(result: AuditVerification): string {
  const { checked, keyedFromSeq, anchorPath, anchor, warnings } = result;
  return JSON.stringify({
    status: result.break ? "broken" : "intact",
    checked,
    keyedFromSeq,
    anchorPath,
    anchor,
    warnings,
    break: result.break,
  });
}

function verificationText(result: AuditVerification): string {
  const keyed =
    result.keyedFromSeq === null
      ? "not keyed yet (the key applies when the app next starts)"
      : `keyed from entry #${result.keyedFromSeq}${result.keyedFromSeq > 1 ? " (the entries before it: plain SHA-256)" : ""}`;
  const anchor = result.anchor
    ? `the latest of ${result.anchor.at} (line ${result.anchor.line}) names entry #${result.anchor.seq} with hash ${result.anchor.hash}`
    : "none";
  const verdict = !result.break
    ? "intact"
    : result.break.seq === null
      ? `BROKEN: ${result.break.reason}`
      : `BROKEN at entry #${result.break.seq}: ${result.break.reason}`;
  return [
    `Entries checked: ${result.checked}`,
    `Chain: ${keyed}`,
    `Anchor file: ${result.anchorPath}`,
    `Anchor: ${anchor}`,
    ...result.warnings.map((w) => `Warning: ${w}`),
    `Result: ${verdict}`,
  ].join("\n");
}

/**
 * `breachdesk audit verify`: 0 intact, 1 broken, 2 could not check. Every failure to check is
 * status 2, never 1, so a script can tell "tampered" from "not checked" (a missing database
 * file is not opened, which would create it).
 */
export async function runAuditCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: "boolean" } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1 || positionals[0] !== "verify") {
    io.stderr.write(`Usage:\n${auditUsage}\n`);
    return 2;
  }
  let db: Database | undefined;
  try {
    const config = loadConfig(io.env);
    if (databaseKindOf(config.DATABASE_URL) === "sqlite" && !existsSync(sqlitePathOf(config.DATABASE_URL))) {
      throw new Error(`there is no database at ${sqlitePathOf(config.DATABASE_URL)} (DATABASE_URL)`);
    }
    const key = readAuditKey(config, config.DATABASE_URL);
    db = await openDatabase(config.DATABASE_URL);
    const result = await verifyAuditChain(db, { key, anchorPath: auditAnchorPath(config) });
    io.stdout.write(`${values.json ? verificationJson(result) : verificationText(result)}\n`);
    return result.break ? 1 : 0;
  } catch (error) {
    const message = `The audit chain could not be checked: ${(error as Error).message}`;
    if (values.json) io.stdout.write(`${JSON.stringify({ status: "error", error: message })}\n`);
    io.stderr.write(`${message}\n`);
    return 2;
  } finally {
    await db?.close();
  }
}
