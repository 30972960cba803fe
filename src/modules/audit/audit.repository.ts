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

/** The entry with this sequence number, or null. */
export function findAuditEntryBySeq(db: DbOrTx, seq: number) {
  return db.auditEntry.findUnique({ where: { seq } });
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

/** The setting rows that record how the chain is kept (see decision 0006). */
export const AUDIT_SETTINGS = {
  /** The first entry hashed with the audit key; written once, when the key is first applied. */
  keyedFromSeq: "audit.keyed_from_seq",
  /** auditKeyFingerprint of that key, so a wrong key is told at start. */
  keyCheck: "audit.key_check",
  /** When the first anchor was written: from then on, a missing anchor file is a break. */
  anchoredSince: "audit.anchored_since",
} as const;

export type AuditSettings = Partial<Record<keyof typeof AUDIT_SETTINGS, string>>;

/** The audit chain's setting rows that exist, by their short name. */
export async function readAuditSettings(db: DbOrTx): Promise<AuditSettings> {
  const rows = await db.setting.findMany({ where: { key: { in: Object.values(AUDIT_SETTINGS) } } });
  const out: AuditSettings = {};
  for (const [name, key] of Object.entries(AUDIT_SETTINGS)) {
    const row = rows.find((r) => r.key === key);
    if (row) out[name as keyof typeof AUDIT_SETTINGS] = row.value;
  }
  return out;
}

/** Writes the keying settings together; a second writer fails on the primary key instead of overwriting. */
export async function createAuditKeying(tx: DbOrTx, fromSeq: number, keyCheck: string) {
  await tx.setting.createMany({
    data: [
      { key: AUDIT_SETTINGS.keyedFromSeq, value: String(fromSeq) },
      { key: AUDIT_SETTINGS.keyCheck, value: keyCheck },
    ],
  });
}

/** Records when anchoring began, once: a later call leaves the first value. */
export async function markAnchoringBegun(db: DbOrTx, at: Date) {
  await db.setting.upsert({
    where: { key: AUDIT_SETTINGS.anchoredSince },
    create: { key: AUDIT_SETTINGS.anchoredSince, value: at.toISOString() },
    update: {},
  });
}
