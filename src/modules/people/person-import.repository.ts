import type { DbOrTx } from "../../db/client.js";
import type { PersonImport } from "../../generated/sqlite/client.js";
import { FINISHED_STATUSES, importStatusesFrom, RUNNING_STATUSES, STALE_RUNNING_IMPORT_MS } from "./import-lifecycle.policy.js";
import { parseStoredMapping } from "./person-fields.policy.js";

/**
 * The Prisma queries of person imports, the one repository of the import: the record, its
 * runs and its end. Every change is guarded by the statuses import-lifecycle.ts allows it
 * from (and a run's by its run number), so a run that was cancelled or taken over changes
 * nothing. (Each batch's checkpoint is written with the batch, by the people writer.)
 */

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

/** Locks the incident's row (as lockIncidentForImport) and returns its id and reference, or null when there is none. */
export async function findIncidentForImport(tx: DbOrTx, incidentId: string) {
  if (!(await lockIncidentForImport(tx, incidentId))) return null;
  return tx.incident.findUnique({ where: { id: incidentId }, select: { id: true, reference: true } });
}

export function findImport(db: DbOrTx, id: string) {
  return db.personImport.findUnique({ where: { id } });
}

/** Another import of the incident that is running and was active since `activeSince`, if any. */
export function findRunningImport(tx: DbOrTx, incidentId: string, activeSince: Date, exceptId: string) {
  return tx.personImport.findFirst({
    where: { incidentId, id: { not: exceptId }, status: { in: [...RUNNING_STATUSES] }, updatedAt: { gte: activeSince } },
  });
}

/** Other imports of the incident still marked running that have not moved since `staleBefore`. */
export function findStaleImports(tx: DbOrTx, incidentId: string, staleBefore: Date, exceptId: string) {
  return tx.personImport.findMany({
    where: { incidentId, id: { not: exceptId }, status: { in: [...RUNNING_STATUSES] }, updatedAt: { lt: staleBefore } },
  });
}

/** Writes a new import record: the one way one is created (see import-record.service.ts). */
export function createImport(tx: DbOrTx, data: NewPersonImport) {
  return tx.personImport.create({ data });
}

export function findImportOfIncident(db: DbOrTx, incidentId: string, importId: string) {
  return db.personImport.findFirst({ where: { id: importId, incidentId } });
}

/** The incident's recent imports, newest first. */
export function listRecentImports(db: DbOrTx, incidentId: string, take = 10) {
  return db.personImport.findMany({ where: { incidentId }, orderBy: { createdAt: "desc" }, take });
}

/** The mapping of the latest import of the incident that had one, header -> field. */
export async function rememberedMapping(db: DbOrTx, incidentId: string, exceptId: string): Promise<Record<string, string>> {
  const latest = await db.personImport.findFirst({
    where: { incidentId, id: { not: exceptId }, status: { not: "uploaded" }, mapping: { not: "{}" } },
    orderBy: { createdAt: "desc" },
  });
  return latest ? parseStoredMapping(latest.mapping) : {};
}

/** Deletes an import that never left "uploaded"; false when it has. */
export async function deleteUploadedImport(db: DbOrTx, id: string): Promise<boolean> {
  const { count } = await db.personImport.deleteMany({ where: { id, status: { in: importStatusesFrom("queue") } } });
  return count === 1;
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
  "rowsRead" | "accepted" | "created" | "updated" | "duplicates" | "rejected" | "reasons" | "warnings"
>;

export type ImportEnd = Partial<ImportCounts> &
  Pick<PersonImport, "status" | "stoppedAtLine" | "message" | "finishedAt" | "updatedAt"> &
  Partial<Pick<PersonImport, "errorReportPath" | "bytesRead">>;

/**
 * Records how an import ended: a run's end (from running or cancelling), or one that could not
 * start (from queued). False, changing nothing, when it is no longer in that state under that
 * run number (another run took it over, or it ended already).
 */
export async function finishImport(
  tx: DbOrTx,
  record: Pick<PersonImport, "id" | "runNumber">,
  data: ImportEnd,
  fromStatuses: string[] = importStatusesFrom("finish"),
): Promise<boolean> {
  const { count } = await tx.personImport.updateMany({
    where: { id: record.id, runNumber: record.runNumber, status: { in: fromStatuses } },
    data,
  });
  return count === 1;
}

/**
 * Moves an import that has not ended to cancelled (not yet running: it ends now) or cancelling
 * (running: its run ends it after its batch); the status it moved to, or null when it has ended.
 */
export async function cancelImportRecord(tx: DbOrTx, id: string, now: Date): Promise<"cancelled" | "cancelling" | null> {
  const before = await tx.personImport.updateMany({
    where: { id, status: { in: ["uploaded", "queued"] } }, // cancel: straight to cancelled
    data: { status: "cancelled", message: "Cancelled.", updatedAt: now, finishedAt: now },
  });
  if (before.count === 1) return "cancelled";
  const running = await tx.personImport.updateMany({
    where: { id, status: "running" }, // cancel: cancelling, until the run stops after its batch
    data: { status: "cancelling", updatedAt: now },
  });
  return running.count === 1 ? "cancelling" : null;
}

/** Queues an uploaded import with its mapping; false when it is no longer an upload. */
export async function queueUploadedImport(tx: DbOrTx, id: string, mapping: string, now: Date): Promise<boolean> {
  const { count } = await tx.personImport.updateMany({
    where: { id, status: { in: importStatusesFrom("queue") } },
    data: { status: "queued", mapping, updatedAt: now },
  });
  return count === 1;
}

/** Another import of the incident that is queued, or running and not stale: a new one must wait. */
export function findActiveImportOf(tx: DbOrTx, incidentId: string, exceptId: string, now: Date) {
  return tx.personImport.findFirst({
    where: {
      incidentId,
      id: { not: exceptId },
      OR: [
        { status: "queued" },
        { status: { in: [...RUNNING_STATUSES] }, updatedAt: { gte: new Date(now.getTime() - STALE_RUNNING_IMPORT_MS) } },
      ],
    },
  });
}

/** The incident's imports with rejected rows, oldest first (an incident has few imports). */
export function listImportsWithRejectedRows(db: DbOrTx, incidentId: string) {
  return db.personImport.findMany({ where: { incidentId, rejected: { gt: 0 } }, orderBy: { createdAt: "asc" } });
}

/** What became of an import's rejected rows, as a manager records it. */
export type RejectedRowsResolution = Pick<
  PersonImport,
  "rejectedResolution" | "rejectedNote" | "rejectedImportedBy" | "rejectedResolvedAt" | "rejectedResolvedById"
>;

/**
 * Records what became of an import's rejected rows, only while none is recorded and the import
 * has finished; false, changing nothing, otherwise (another manager was first).
 */
export async function resolveImportRejectedRows(tx: DbOrTx, id: string, data: RejectedRowsResolution): Promise<boolean> {
  const { count } = await tx.personImport.updateMany({
    where: { id, rejectedResolution: "", status: { in: [...FINISHED_STATUSES] } },
    data,
  });
  return count === 1;
}

/** The mappings of the incident's imports that have read their file, oldest first (header -> field). */
export async function listMappingsOfIncident(db: DbOrTx, incidentId: string): Promise<Record<string, string>[]> {
  const rows = await db.personImport.findMany({
    where: { incidentId, status: { notIn: ["uploaded", "queued"] } },
    orderBy: { createdAt: "asc" },
    select: { mapping: true },
  });
  return rows.map((row) => parseStoredMapping(row.mapping));
}

/** The imports of several incidents with rejected rows (for the breach register's coverage). */
export function listImportsWithRejectedRowsOf(db: DbOrTx, incidentIds: string[]) {
  return db.personImport.findMany({ where: { incidentId: { in: incidentIds }, rejected: { gt: 0 } } });
}
