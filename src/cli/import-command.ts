import { parseArgs } from "node:util";
import { AppError } from "../lib/errors.js";
import { findIncident } from "../modules/incidents/index.js";
import { describeEncoding, type ImportProgress, type ImportSummary, importPeopleFile } from "../modules/people/index.js";
import { withCliDeps } from "./cli-deps.js";
import { type CommandIo, completeIo } from "./cli-io.js";
import { importRejectedUsage, runImportRejectedCommand } from "./import-rejected-command.js";

export const importUsage = `  breachdesk import --incident REF FILE [--map column=field ...] [--json]
      Imports the affected people in a CSV file into the incident REF (e.g. BD-2026-0001).
      Columns are mapped from their header names; --map "E-Mail Adresse=email" sets one.
      Fields: externalId name givenName familyName email phone postalAddress city region
      postcode country language isAtRisk attribute ignore. Progress goes to standard error;
      --json prints one JSON object with the final counts on standard output. A row naming
      someone is kept even when a value cannot be used (a malformed e-mail address, an unknown
      country): it counts in accepted and under "warnings". Rows that cannot be read or name no
      one are rejected and written to FILE.errors.csv with the reason. Exit status 0 when the
      import ran, even with rejected rows or when it stopped part-way (standard error then says
      where; the counts are what was imported); 2 when it could not run at all (bad arguments,
      no such incident, a file or mapping that cannot be used, another import running).
${importRejectedUsage}`;

/** Parses repeated --map column=field options; throws a validation error on a malformed one. */
export function parseMapOptions(values: string[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const value of values) {
    const eq = value.lastIndexOf("=");
    if (eq <= 0 || eq === value.length - 1) {
      throw new AppError("validation", `--map "${value}" must have the form column=field.`);
    }
    mapping[value.slice(0, eq).trim()] = value.slice(eq + 1).trim();
  }
  return mapping;
}

/** The one JSON object --json prints: the final counts. */
export function summaryJson(summary: ImportSummary): string {
  const { read, accepted, created, updated, duplicates, rejected, reasons, warnings } = summary;
  return JSON.stringify({ read, accepted, created, updated, duplicates, rejected, reasons, warnings });
}

function progressLine(p: ImportProgress): string {
  const rate = p.elapsedMs > 0 ? Math.round((p.rowsRead * 1000) / p.elapsedMs) : 0;
  return `  ${p.rowsRead.toLocaleString("en")} rows read, ${p.accepted.toLocaleString("en")} accepted, ${p.rejected.toLocaleString("en")} rejected (${rate.toLocaleString("en")} rows/s)`;
}

/**
 * `breachdesk import`: imports a CSV of people into an incident, progress on standard error and
 * (with --json) the counts as one JSON object on standard output. Returns 0 whenever the import
 * ran, completed or stopped part-way (standard error says where); throws AppError (status 2
 * in runCli) when it cannot run at all.
 */
export async function runImportCommand(args: string[], commandIo: CommandIo): Promise<number> {
  const io = completeIo(commandIo);
  const { stdout, stderr } = io;
  if (args[0] === "rejected") return runImportRejectedCommand(args.slice(1), io);
  const { values, positionals } = parseArgs({
    args,
    options: { incident: { type: "string" }, map: { type: "string", multiple: true }, json: { type: "boolean" } },
    allowPositionals: true,
    strict: true,
  });
  if (!values.incident || positionals.length !== 1) {
    stderr.write(`${!values.incident ? "Missing --incident." : "Give exactly one FILE."}\n\nUsage:\n${importUsage}\n`);
    return 2;
  }
  const mapping = parseMapOptions(values.map ?? []);
  const reference = values.incident;
  return withCliDeps(io.env, async ({ db, clock }) => {
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once("SIGINT", onSignal);
    try {
      const incident = await findIncident(db.prisma, reference);
      if (!incident) throw new AppError("not_found", `No incident has the reference ${reference}.`);
      const isTty = stderr.isTTY === true;
      const summary = await importPeopleFile(
        { db, clock },
        {
          incidentId: incident.id,
          filePath: positionals[0]!,
          mapping,
          actor: { userId: null, label: "cli", ip: null },
          signal: abort.signal,
          onProgress: (p) => stderr.write(isTty ? `\r${progressLine(p)}` : `${progressLine(p)}\n`),
        },
      );
      if (isTty) stderr.write("\n");
      const reasons = Object.entries(summary.reasons).map(([reason, n]) => `${reason} ${n}`);
      const warnings = Object.entries(summary.warnings).map(([warning, n]) => `${warning} ${n}`);
      stderr.write(
        [
          `Imported ${positionals[0]} into ${incident.reference} (${describeEncoding(summary.encoding)}): ${summary.status}.`,
          `  read ${summary.read}, accepted ${summary.accepted} (created ${summary.created}, updated ${summary.updated}, duplicates merged ${summary.duplicates}), rejected ${summary.rejected}`,
          ...(warnings.length ? [`  kept with a value that could not be used: ${warnings.join(", ")}`] : []),
          ...(reasons.length ? [`  reasons: ${reasons.join(", ")}`] : []),
          ...(summary.errorReportPath ? [`  rejected rows and their reasons: ${summary.errorReportPath}`] : []),
          ...(summary.status !== "completed" ? [`Stopped early (${summary.status}): ${summary.message}`] : []),
          ...(summary.status === "completed" && summary.message ? [`  ${summary.message}`] : []),
        ].join("\n") + "\n",
      );
      if (values.json) stdout.write(`${summaryJson(summary)}\n`);
      // The contract: non-zero only when the import could not run at all (those throw, above).
      return 0;
    } finally {
      process.off("SIGINT", onSignal);
    }
  });
}
