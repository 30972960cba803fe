import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident, PersonImport } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, withAudit } from "../audit/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import {
  findImportOfIncident,
  listImportsWithRejectedRows,
  listImportsWithRejectedRowsOf,
  resolveImportRejectedRows,
} from "./person-import.repository.js";
import { outstandingRejectedOf, refusalToResolve, rejectedPeopleOf } from "./rejected-rows.policy.js";
import type { RejectedResolutionInput } from "./rejected-rows.schemas.js";

/**
 * Rejected rows as affected people not imported (decision 0014): how many are outstanding per
 * incident (for coverage and the regulator summary), the imports that have them, and what a
 * manager records when a later import took them or there is no one to import (audited, on the
 * incident's timeline).
 */

/** An import's rejected rows as the pages, the API and the command line show them. */
export interface RejectedRowsOfImport {
  importId: string;
  fileName: string;
  createdAt: Date;
  status: string;
  /** Rejected rows that could be a person (empty rows are no one). */
  rows: number;
  /** Of them, still affected and not imported: rows until resolved, then 0. */
  outstanding: number;
  resolution: "" | "imported" | "dismissed";
  note: string;
  importedBy: string | null;
  resolvedAt: Date | null;
  resolvedById: string | null;
}

function rejectedRowsOf(row: PersonImport): RejectedRowsOfImport {
  return {
    importId: row.id,
    fileName: row.fileName,
    createdAt: row.createdAt,
    status: row.status,
    rows: rejectedPeopleOf(row),
    outstanding: outstandingRejectedOf(row),
    resolution: row.rejectedResolution as RejectedRowsOfImport["resolution"],
    note: row.rejectedNote,
    importedBy: row.rejectedImportedBy,
    resolvedAt: row.rejectedResolvedAt,
    resolvedById: row.rejectedResolvedById,
  };
}

/** The import record's rejected rows, as rejectedRowsOf reads them: for a page or the API that has the record. */
export function describeRejectedRows(row: PersonImport): RejectedRowsOfImport {
  return rejectedRowsOf(row);
}

/** The incident's imports with rejected rows that could be people, oldest first, resolved or not. */
export async function listRejectedRows(db: DbOrTx, incidentId: string): Promise<RejectedRowsOfImport[]> {
  const rows = await listImportsWithRejectedRows(db, incidentId);
  return rows.map(rejectedRowsOf).filter((r) => r.rows > 0);
}

/** The incident's imports whose rejected rows are still outstanding (affected, not imported), oldest first. */
export async function listOutstandingRejections(db: DbOrTx, incidentId: string): Promise<RejectedRowsOfImport[]> {
  return (await listRejectedRows(db, incidentId)).filter((r) => r.outstanding > 0);
}

/**
 * How many of the incident's rejected rows are still affected people not imported: the rows
 * every import that read its file rejected (empty rows aside), less those of imports whose
 * rejected rows were resolved. Coverage of the incident is not complete while this is above 0.
 */
export async function countOutstandingRejectedRows(db: DbOrTx, incidentId: string): Promise<number> {
  const rows = await listImportsWithRejectedRows(db, incidentId);
  return rows.reduce((sum, row) => sum + outstandingRejectedOf(row), 0);
}

/** countOutstandingRejectedRows for several incidents in one query, by incident id (absent: 0). */
export async function countOutstandingRejectedRowsOf(db: DbOrTx, incidentIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (incidentIds.length === 0) return counts;
  for (const row of await listImportsWithRejectedRowsOf(db, incidentIds))
    counts.set(row.incidentId, (counts.get(row.incidentId) ?? 0) + outstandingRejectedOf(row));
  return counts;
}

/**
 * Records what became of an import's rejected rows: imported (by a later finished import of the
 * same incident) or dismissed with a note. Audited (person_import.rejected_resolve) and written on
 * the incident's timeline in one transaction. Refused (conflict) when the import has not finished,
 * has no such rows or they are resolved already; a validation error names a later import that
 * is not one.
 */
export async function resolveRejectedRows(
  deps: Pick<Deps, "db" | "clock">,
  incident: Incident,
  importId: string,
  input: RejectedResolutionInput,
  actor: Actor,
  source: "manual" | "api" = "manual",
): Promise<RejectedRowsOfImport> {
  const { prisma } = deps.db;
  const upload = await findImportOfIncident(prisma, incident.id, importId);
  if (!upload) throw new AppError("not_found", `${incident.reference} has no import ${importId}.`);
  const refusal = refusalToResolve(upload);
  if (refusal) throw new AppError("conflict", refusal);
  let later: PersonImport | null = null;
  if (input.resolution === "imported") {
    later = await findImportOfIncident(prisma, incident.id, input.importedBy!);
    if (!later || later.id === upload.id || later.status !== "completed" || later.createdAt < upload.createdAt) {
      throw new AppError("validation", "Some fields need correcting.", {
        importedBy: "Choose a later import of this incident that has completed.",
      });
    }
  }
  const rows = rejectedPeopleOf(upload);
  const now = deps.clock.now();
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const isResolved = await resolveImportRejectedRows(tx, upload.id, {
      rejectedResolution: input.resolution,
      rejectedNote: input.note,
      rejectedImportedBy: later?.id ?? null,
      rejectedResolvedAt: now,
      rejectedResolvedById: actor.userId,
    });
    if (!isResolved) throw new AppError("conflict", "The rejected rows of this import were resolved meanwhile.");
    const what = `${rows.toLocaleString("en")} rejected ${rows === 1 ? "row" : "rows"} of the people import ${upload.fileName}`;
    const description =
      input.resolution === "imported"
        ? `${what} marked as imported by the later import ${later!.fileName}.${input.note ? ` ${input.note}` : ""}`
        : `${what} dismissed: ${input.note}`;
    await recordTimelineEvent(
      deps,
      tx,
      incident,
      { occurredAt: now, occurredZone: incident.timeZone, kind: "note", description, source },
      actor,
    );
    const resolved = (await findImportOfIncident(tx, incident.id, upload.id))!;
    return {
      result: rejectedRowsOf(resolved),
      audit: {
        action: "person_import.rejected_resolve",
        entityType: "person_import",
        entityId: upload.id,
        incidentId: incident.id,
        after: {
          incident: incident.reference,
          fileName: upload.fileName,
          rows,
          resolution: input.resolution,
          note: input.note,
          importedBy: later ? { id: later.id, fileName: later.fileName } : null,
        },
      },
    };
  });
}

/**
 * What the API adds to an import record: its warnings (rows kept with a value that could not be
 * used, by warning) and its rejected rows with what became of them, instants as ISO text.
 */
export function importResultOf(row: PersonImport) {
  let warnings: Record<string, number> = {};
  try {
    warnings = JSON.parse(row.warnings) as Record<string, number>;
  } catch {
    warnings = {};
  }
  const { rows, outstanding, resolution, note, importedBy, resolvedAt } = rejectedRowsOf(row);
  return {
    warnings,
    rejectedRows: { rows, outstanding, resolution, note, importedBy, resolvedAt: resolvedAt?.toISOString() ?? null },
  };
}
