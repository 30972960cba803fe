import type { DbOrTx } from "../../db/client.js";
import type { PersonImport } from "../../generated/sqlite/client.js";

/** The Prisma queries of person imports: the import record, its progress and its end. */

/**
 * A running import whose record has not moved for this long is taken to be dead (its process
 * crashed); progress is written after every batch, which takes well under a minute.
 */
export const STALE_RUNNING_IMPORT_MS = 10 * 60_000;

export type NewPersonImport = Omit<
  PersonImport,
  | "status"
  | "rowsRead"
  | "accepted"
  | "created"
  | "updated"
  | "duplicates"
  | "rejected"
  | "reasons"
  | "stoppedAtLine"
  | "message"
  | "errorReportPath"
  | "finishedAt"
>;

/**
 * Locks the incident's row until the transaction ends, so two imports starting at once on one
 * incident are serialised. A no-op UPDATE is the one form both databases take: it holds a row
 * lock on PostgreSQL and the database write lock on SQLite, and changes no value.
 */
export async function lockIncidentForImport(tx: DbOrTx, incidentId: string): Promise<boolean> {
  const changed = await tx.$executeRaw`UPDATE "incident" SET "id" = "id" WHERE "id" = ${incidentId}`;
  return changed > 0;
}

/** The import of the incident that is running and was active since `activeSince`, if any. */
export function findRunningImport(tx: DbOrTx, incidentId: string, activeSince: Date) {
  return tx.personImport.findFirst({ where: { incidentId, status: "running", updatedAt: { gte: activeSince } } });
}

export function createRunningImport(tx: DbOrTx, data: NewPersonImport) {
  return tx.personImport.create({ data: { ...data, status: "running" } });
}

export type ImportCounts = Pick<
  PersonImport,
  "rowsRead" | "accepted" | "created" | "updated" | "duplicates" | "rejected" | "reasons"
>;

export function saveImportProgress(tx: DbOrTx, id: string, counts: ImportCounts, now: Date) {
  return tx.personImport.update({ where: { id }, data: { ...counts, updatedAt: now } });
}

export function finishImport(
  tx: DbOrTx,
  id: string,
  data: ImportCounts &
    Pick<PersonImport, "status" | "stoppedAtLine" | "message" | "errorReportPath" | "finishedAt" | "updatedAt">,
) {
  return tx.personImport.update({ where: { id }, data });
}
