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

export function findImport(db: DbOrTx, id: string) {
  return db.personImport.findUnique({ where: { id } });
}

/** Another import of the incident that is running and was active since `activeSince`, if any. */
export function findRunningImport(tx: DbOrTx, incidentId: string, activeSince: Date, exceptId: string) {
  return tx.personImport.findFirst({
    where: { incidentId, id: { not: exceptId }, status: "running", updatedAt: { gte: activeSince } },
  });
}

export function createImport(tx: DbOrTx, data: NewPersonImport) {
  return tx.personImport.create({ data });
}

/** Moves a queued import to running; false (changing nothing) when it is no longer queued. */
export async function claimQueuedImport(
  tx: DbOrTx,
  id: string,
  data: Pick<PersonImport, "encoding" | "delimiter" | "startedAt" | "updatedAt">,
): Promise<boolean> {
  const { count } = await tx.personImport.updateMany({ where: { id, status: "queued" }, data: { ...data, status: "running" } });
  return count === 1;
}

export type ImportCounts = Pick<
  PersonImport,
  "rowsRead" | "accepted" | "created" | "updated" | "duplicates" | "rejected" | "reasons"
>;

export function saveImportProgress(tx: DbOrTx, id: string, counts: ImportCounts, now: Date) {
  return tx.personImport.updateMany({
    where: { id, status: { in: ["running", "cancelling"] } },
    data: { ...counts, updatedAt: now },
  });
}

/** Records how a running import ended; false when it was not running (nothing changed). */
export async function finishImport(
  tx: DbOrTx,
  id: string,
  data: ImportCounts &
    Pick<PersonImport, "status" | "stoppedAtLine" | "message" | "errorReportPath" | "finishedAt" | "updatedAt">,
): Promise<boolean> {
  const { count } = await tx.personImport.updateMany({ where: { id, status: { in: ["running", "cancelling"] } }, data });
  return count === 1;
}

/** Marks a queued import failed before it ran (its file or mapping cannot be used, or another import runs). */
export async function failQueuedImport(tx: DbOrTx, id: string, message: string, now: Date): Promise<boolean> {
  const { count } = await tx.personImport.updateMany({
    where: { id, status: "queued" },
    data: { status: "failed", message, finishedAt: now, updatedAt: now },
  });
  return count === 1;
}
