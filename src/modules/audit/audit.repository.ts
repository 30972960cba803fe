import type { DbOrTx } from "../../db/client.js";
import type { AuditEntry } from "../../generated/sqlite/client.js";

export type { AuditEntry };

export interface AuditFilter {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
}

/** The newest entry of the chain, or null when the log is empty. */
export function findLastAuditEntry(db: DbOrTx) {
  return db.auditEntry.findFirst({ orderBy: { seq: "desc" } });
}

export function insertAuditEntry(db: DbOrTx, data: Omit<AuditEntry, "seq">) {
  return db.auditEntry.create({ data });
}

function whereOf(filter: AuditFilter) {
  return {
    ...(filter.actor ? { actorLabel: { contains: filter.actor } } : {}),
    ...(filter.action ? { action: { startsWith: filter.action } } : {}),
    ...(filter.entityType ? { entityType: filter.entityType } : {}),
    ...(filter.entityId ? { entityId: filter.entityId } : {}),
    ...(filter.from || filter.to
      ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } }
      : {}),
  };
}

/** One page of entries matching the filter, newest first, and the number that match. */
export async function listAuditEntries(db: DbOrTx, filter: AuditFilter, page: { take: number; skip: number }) {
  const where = whereOf(filter);
  const [entries, total] = await Promise.all([
    db.auditEntry.findMany({ where, orderBy: { seq: "desc" }, take: page.take, skip: page.skip }),
    db.auditEntry.count({ where }),
  ]);
  return { entries, total };
}

/** Entries with seq greater than afterSeq, oldest first: the verifier walks the chain in batches. */
export function listAuditEntriesAfter(db: DbOrTx, afterSeq: number, take: number) {
  return db.auditEntry.findMany({ where: { seq: { gt: afterSeq } }, orderBy: { seq: "asc" }, take });
}

/** Distinct entity types and action names, for the filter form. */
export async function listAuditFacets(db: DbOrTx) {
  const [types, actions] = await Promise.all([
    db.auditEntry.findMany({ distinct: ["entityType"], select: { entityType: true }, orderBy: { entityType: "asc" } }),
    db.auditEntry.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } }),
  ]);
  return { entityTypes: types.map((t) => t.entityType), actions: actions.map((a) => a.action) };
}
