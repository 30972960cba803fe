// The evidence module's queries. The link choices read a few columns of the records a file may
// be linked to (timeline entries, systems, decisions, statements, obligations): their modules
// offer no such list through their faces, and the systems and assessments modules have no face
// (decision 0023 says why reading them here is acceptable).
import type { DbOrTx } from "../../db/client.js";
import type { EvidenceFile } from "../../generated/sqlite/client.js";

export type { EvidenceFile };

/** The fields of a new evidence file. */
export type NewEvidenceFile = Omit<EvidenceFile, "deletedAt" | "deletedById" | "deletedBy" | "deleteReason" | "purgedAt">;

export function insertEvidenceFile(db: DbOrTx, data: NewEvidenceFile) {
  return db.evidenceFile.create({ data });
}

/** An incident's evidence files, newest first, deleted ones included (their records stay). */
export function listEvidenceFilesOf(db: DbOrTx, incidentId: string) {
  return db.evidenceFile.findMany({ where: { incidentId }, orderBy: [{ uploadedAt: "desc" }, { id: "asc" }] });
}

export function findEvidenceFile(db: DbOrTx, incidentId: string, id: string) {
  return db.evidenceFile.findFirst({ where: { id, incidentId } });
}

/** Marks a file deleted (its bytes gone), only while it is not: returns how many rows changed (0 or 1). */
export async function markEvidenceFileDeleted(
  db: DbOrTx,
  id: string,
  deletion: { deletedAt: Date; deletedById: string | null; deletedBy: string; deleteReason: string },
) {
  const { count } = await db.evidenceFile.updateMany({ where: { id, deletedAt: null }, data: { ...deletion, storageKey: "" } });
  return count;
}

/** The records of an incident a file may be linked to, each with what the label is made from. */
export async function listLinkTargets(db: DbOrTx, incidentId: string) {
  const [events, systems, decisions, statements, obligations] = await Promise.all([
    db.timelineEvent.findMany({
      where: { incidentId },
      orderBy: [{ occurredAt: "asc" }, { recordedAt: "asc" }],
      select: { id: true, occurredAt: true, kind: true, description: true },
    }),
    db.affectedSystem.findMany({ where: { incidentId }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.decision.findMany({
      where: { incidentId },
      orderBy: { recordedAt: "asc" },
      select: { id: true, decidedAt: true, isNotifiable: true },
    }),
    db.regulatorStatement.findMany({ where: { incidentId }, orderBy: { createdAt: "asc" }, select: { id: true, ruleId: true } }),
    db.obligation.findMany({ where: { incidentId }, orderBy: { ruleId: "asc" }, select: { id: true, ruleId: true } }),
  ]);
  return { events, systems, decisions, statements, obligations };
}

/** An incident's files whose bytes are still kept (neither deleted nor purged). */
export function listKeptEvidenceFilesOf(db: DbOrTx, incidentId: string) {
  return db.evidenceFile.findMany({
    where: { incidentId, deletedAt: null },
    select: { id: true, storageKey: true },
    orderBy: { id: "asc" },
  });
}

/** Marks the files removed by the retention purge (their bytes gone), those still kept among ids: how many changed. */
export async function markEvidenceFilesPurged(
  db: DbOrTx,
  incidentId: string,
  ids: string[],
  removal: { deletedAt: Date; deletedById: string | null; deletedBy: string; deleteReason: string },
) {
  const { count } = await db.evidenceFile.updateMany({
    where: { incidentId, id: { in: ids }, deletedAt: null },
    data: { ...removal, purgedAt: removal.deletedAt, storageKey: "" },
  });
  return count;
}
