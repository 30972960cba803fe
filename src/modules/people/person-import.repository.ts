import type { DbOrTx } from "../../db/client.js";
import type { PersonImport } from "../../generated/sqlite/client.js";

/**
 * The Prisma queries of person imports: the import record, its runs and its end. Every change
 * of a running import is guarded by its status and run number, so a run that was cancelled or
 * taken over changes nothing. (Each batch's checkpoint is written with the batch, by
 * dialect.upsertPeople.)
 */

/**
 * A running import whose record has not moved for this long is taken to be dead (its process
 * crashed); progress is written after every batch, which takes well under a minute.
 */
export const STALE_RUNNING_IMPORT_MS = 10 * 60_000;

/** Statuses of an import that a run is working on (cancelling: it stops after its batch). */
export const RUNNING_STATUSES = ["running", "cancelling"];

export type NewPersonImport = Pick<
  PersonImport,
  | "id"
  | "incidentId"
  | "fileName"
  | "filePath"
  | "fileBytes"
  | "encoding"
  | "delimiter"
  | "mapping"
  | "status"
  | "createdById"
  | "createdAt"
  | "startedAt"
  | "updatedAt"
  | "runNumber"
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
    where: { incidentId, id: { not: exceptId }, status: { in: RUNNING_STATUSES }, updatedAt: { gte: activeSince } },
  });
}

/** Other imports of the incident still marked running that have not moved since `staleBefore`. */
export function findStaleImports(tx: DbOrTx, incidentId: string, staleBefore: Date, exceptId: string) {
  return tx.personImport.findMany({
    where: { incidentId, id: { not: exceptId }, status: { in: RUNNING_STATUSES }, updatedAt: { lt: staleBefore } },
  });
}

export function createImport(tx: DbOrTx, data: NewPersonImport) {
  return tx.personImport.create({ data });
}

/**
 * Starts the next run of an import as the caller read it (queued, or running for a take-over):
 * running under run number + 1. False, changing nothing, when it has changed since it was read.
 */
export async function startImportRun(
  tx: DbOrTx,
  record: Pick<PersonImport, "id" | "status" | "runNumber" | "startedAt">,
  data: Pick<PersonImport, "fileBytes" | "encoding" | "delimiter" | "updatedAt">,
): Promise<boolean> {
  const { count } = await tx.personImport.updateMany({
    where: { id: record.id, status: record.status, runNumber: record.runNumber },
    data: { ...data, status: "running", runNumber: record.runNumber + 1, startedAt: record.startedAt ?? data.updatedAt },
  });
  return count === 1;
}

export type ImportCounts = Pick<
  PersonImport,
  "rowsRead" | "accepted" | "created" | "updated" | "duplicates" | "rejected" | "reasons"
>;

/** Records how a run ended; false (nothing changed) when the import is no longer this run's. */
export async function finishImportRun(
  tx: DbOrTx,
  id: string,
  runNumber: number,
  data: Partial<ImportCounts> &
    Pick<PersonImport, "status" | "stoppedAtLine" | "message" | "finishedAt" | "updatedAt"> &
    Partial<Pick<PersonImport, "errorReportPath" | "bytesRead" | "lastLine">>,
): Promise<boolean> {
  const { count } = await tx.personImport.updateMany({ where: { id, runNumber, status: { in: RUNNING_STATUSES } }, data });
  return count === 1;
}

/** Marks an import failed before a run began (its file or mapping cannot be used, or another import runs). */
export async function failUnstartedImport(
  tx: DbOrTx,
  record: Pick<PersonImport, "id" | "status" | "runNumber">,
  message: string,
  now: Date,
): Promise<boolean> {
  const { count } = await tx.personImport.updateMany({
    where: { id: record.id, status: record.status, runNumber: record.runNumber },
    data: { status: "failed", message, finishedAt: now, updatedAt: now },
  });
  return count === 1;
}
