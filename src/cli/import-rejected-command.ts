import { parseArgs } from "node:util";
import { AppError } from "../lib/errors.js";
import { parseInput } from "../lib/validation.js";
import { findIncident } from "../modules/incidents/index.js";
import {
  listRejectedRows,
  type RejectedRowsOfImport,
  rejectedResolutionSchema,
  resolveRejectedRows,
} from "../modules/people/index.js";
import { withCliDeps } from "./cli-deps.js";
import type { CliIo } from "./cli-io.js";

export const importRejectedUsage = `  breachdesk import rejected --incident REF [--json]
      Lists the incident's imports with rejected rows: how many are still affected people not
      imported (the incident's coverage counts them as not told), and what became of the others.
  breachdesk import rejected --incident REF --import ID (--dismiss NOTE | --imported-by LATER_ID [--note NOTE]) [--json]
      Records what became of import ID's rejected rows: dismissed (no one to tell; NOTE says why)
      or imported by the later import LATER_ID. Audited as cli and written on the timeline.`;

function describe(r: RejectedRowsOfImport): string {
  const state =
    r.resolution === ""
      ? `${r.outstanding} outstanding (affected, not imported)`
      : `${r.resolution} ${r.resolvedAt?.toISOString() ?? ""}${r.note ? `: ${r.note}` : ""}`;
  return `  ${r.importId}  ${r.fileName}  ${r.rows} rejected: ${state}`;
}

/**
 * `breachdesk import rejected`: lists an incident's rejected rows by import, or records what
 * became of one import's (dismissed with a note, or imported by a later import). Returns 0 when
 * done; throws AppError (status 2 in runCli) for bad arguments or a refused resolution.
 */
export async function runImportRejectedCommand(args: string[], io: CliIo): Promise<number> {
  const { stdout, stderr } = io;
  const { values } = parseArgs({
    args,
    options: {
      incident: { type: "string" },
      import: { type: "string" },
      dismiss: { type: "string" },
      "imported-by": { type: "string" },
      note: { type: "string" },
      json: { type: "boolean" },
    },
    strict: true,
  });
  if (!values.incident) {
    stderr.write(`Missing --incident.\n\nUsage:\n${importRejectedUsage}\n`);
    return 2;
  }
  const isResolving = values.dismiss !== undefined || values["imported-by"] !== undefined;
  if (isResolving && !values.import)
    throw new AppError("validation", "Name the import whose rejected rows these are: --import ID.");
  if (values.dismiss !== undefined && values["imported-by"] !== undefined) {
    throw new AppError("validation", "Give either --dismiss NOTE or --imported-by LATER_ID, not both.");
  }
  const reference = values.incident;
  return withCliDeps(io.env, async ({ db, clock }) => {
    const incident = await findIncident(db.prisma, reference);
    if (!incident) throw new AppError("not_found", `No incident has the reference ${reference}.`);
    if (values.import && isResolving) {
      const input = parseInput(rejectedResolutionSchema, {
        resolution: values.dismiss !== undefined ? "dismissed" : "imported",
        note: values.dismiss ?? values.note,
        importedBy: values["imported-by"],
      });
      const actor = { userId: null, label: "cli", ip: null };
      const resolved = await resolveRejectedRows({ db, clock }, incident, values.import, input, actor);
      stderr.write(`Recorded for ${incident.reference}:\n${describe(resolved)}\n`);
      if (values.json) stdout.write(`${JSON.stringify(resolved)}\n`);
      return 0;
    }
    const rows = await listRejectedRows(db.prisma, incident.id);
    const outstanding = rows.reduce((sum, r) => sum + r.outstanding, 0);
    stderr.write(
      `${incident.reference}: ${outstanding} rejected ${outstanding === 1 ? "row is an affected person" : "rows are affected people"} not imported.\n` +
        rows.map((r) => `${describe(r)}\n`).join(""),
    );
    if (values.json) stdout.write(`${JSON.stringify({ outstanding, imports: rows })}\n`);
    return 0;
  });
}
