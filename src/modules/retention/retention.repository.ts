import type { DbOrTx } from "../../db/client.js";
import type { IncidentRetention, PurgeRun } from "../../generated/sqlite/client.js";

export type { IncidentRetention, PurgeRun };

/** The incident's retention row, or null while the defaults apply. */
export function findRetention(db: DbOrTx, incidentId: string): Promise<IncidentRetention | null> {
  return db.incidentRetention.findUnique({ where: { incidentId } });
}

export type RetentionChange = Partial<
  Pick<
    IncidentRetention,
    "daysAfterClose" | "isHeld" | "holdReason" | "holdSetAt" | "evidenceFiles" | "warned14For" | "warned3For"
  >
>;

/** Writes the incident's retention row (made on the first change). */
export function saveRetention(db: DbOrTx, incidentId: string, change: RetentionChange, updatedById: string | null, now: Date) {
  return db.incidentRetention.upsert({
    where: { incidentId },
    create: { incidentId, ...change, updatedById, updatedAt: now },
    update: { ...change, updatedById, updatedAt: now },
  });
}

export function findPurgeRun(db: DbOrTx, incidentId: string): Promise<PurgeRun | null> {
  return db.purgeRun.findUnique({ where: { incidentId } });
}

export function createPurgeRun(db: DbOrTx, run: Omit<PurgeRun, "cursor" | "batchesDone" | "counts" | "finishedAt">) {
  return db.purgeRun.create({ data: run });
}

/**
 * Moves the run on after a batch, in the batch's transaction, only if nobody moved it since it
 * was read (same phase, cursor and batch count): false when another run took the batch.
 */
export async function advancePurgeRun(
  db: DbOrTx,
  seen: Pick<PurgeRun, "incidentId" | "phase" | "cursor" | "batchesDone">,
  next: Pick<PurgeRun, "phase" | "cursor" | "counts"> & Partial<Pick<PurgeRun, "status" | "finishedAt">>,
): Promise<boolean> {
  const { count } = await db.purgeRun.updateMany({
    where: { incidentId: seen.incidentId, phase: seen.phase, cursor: seen.cursor, batchesDone: seen.batchesDone },
    data: { ...next, batchesDone: seen.batchesDone + 1 },
  });
  return count === 1;
}

/** Closed incidents whose people's data is not purged yet, with their rule: the worker's sweep. */
export function listClosedIncidentsNotPurged(db: DbOrTx, statuses: string[]) {
  return db.incident.findMany({
    where: { status: { in: statuses }, closedAt: { not: null } },
    select: { id: true, reference: true, title: true, status: true, closedAt: true, ownerId: true, timeZone: true },
  });
}

export function listRetentionsOf(db: DbOrTx, incidentIds: string[]) {
  return db.incidentRetention.findMany({ where: { incidentId: { in: incidentIds } } });
}

export function listPurgeRunsOf(db: DbOrTx, incidentIds: string[]) {
  return db.purgeRun.findMany({ where: { incidentId: { in: incidentIds } } });
}

/** Purges started and not finished (a crashed run): the sweep finishes them. */
export function listUnfinishedPurges(db: DbOrTx) {
  return db.purgeRun.findMany({ where: { status: "running" }, select: { incidentId: true } });
}
