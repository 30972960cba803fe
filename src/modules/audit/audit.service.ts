import type { Database, DbOrTx } from "../../db/client.js";
import type { Clock } from "../../lib/clock.js";
import {
  type AuditFilter,
  findLastAuditEntry,
  insertAuditEntry,
  listAuditEntries,
  listAuditFacets,
  readAuditSettings,
} from "./audit.repository.js";
import { GENESIS_HASH, hashAuditEntry } from "./audit-chain.policy.js";
import { lockAuditChain } from "./audit-chain.sql.js";
import { auditKeyOf, chainKeyingFor, recordedKeying } from "./audit-key.service.js";

/** Who made a change, as the audit log records it. */
export interface Actor {
  userId: string | null;
  label: string;
  ip: string | null;
}

export const systemActor: Actor = { userId: null, label: "system", ip: null };

export interface AuditChange {
  action: string;
  entityType: string;
  entityId?: string | null;
  /** The incident the change concerns; see incidentOf for the default. */
  incidentId?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * The incident a change concerns: the one named, else the incident itself, else the
 * incidentId of the record described (a timeline event, a system, an action...).
 */
function incidentOf(change: AuditChange): string | null {
  if (change.incidentId !== undefined) return change.incidentId;
  if (change.entityType === "incident") return change.entityId ?? null;
  for (const state of [change.after, change.before]) {
    const id = (state as { incidentId?: unknown } | null | undefined)?.incidentId;
    if (typeof id === "string") return id;
  }
  return null;
}

/** Keys whose values never enter the audit log. */
const SECRET_KEYS = new Set(["passwordHash", "password", "tokenHash", "token"]);

function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value, (key, v) => (SECRET_KEYS.has(key) ? "[redacted]" : v));
}

/**
 * Appends one entry to the audit chain inside the caller's transaction, so the change and its
 * record commit or roll back together. Secrets (password hashes, tokens) are redacted. Once
 * the chain is keyed (decision 0006) the hash is keyed; without the key this throws AppError
 * "unavailable", so the change is not made.
 */
export async function recordAudit(db: Database, tx: DbOrTx, actor: Actor, change: AuditChange, clock: Clock) {
  await lockAuditChain(db.kind, tx);
  const last = await findLastAuditEntry(tx);
  // Read under the lock, as applyAuditKey writes it: every entry from the keyed-from one on is keyed.
  const recorded = recordedKeying(await readAuditSettings(tx));
  const key = recorded ? chainKeyingFor(recorded, auditKeyOf(db), db.url).key : null;
  const fields = {
    at: clock.now(),
    actorId: actor.userId,
    actorLabel: actor.label,
    ip: actor.ip,
    action: change.action,
    entityType: change.entityType,
    entityId: change.entityId ?? null,
    incidentId: incidentOf(change),
    before: toJson(change.before),
    after: toJson(change.after),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  return insertAuditEntry(tx, { ...fields, hash: hashAuditEntry(fields, key) });
}

/** Runs fn in a transaction and appends its audit entry in the same transaction. */
export async function withAudit<T>(
  db: Database,
  actor: Actor,
  clock: Clock,
  fn: (tx: DbOrTx) => Promise<{ result: T; audit: AuditChange }>,
): Promise<T> {
  return db.prisma.$transaction(async (tx) => {
    const { result, audit } = await fn(tx);
    await recordAudit(db, tx, actor, audit, clock);
    return result;
  });
}

// The verifier has its own file; callers keep importing it from here.
export { verifyAuditChain } from "./audit-verify.service.js";

export type { AuditFilter };

/** The audit log page: one page of matching entries, newest first, their count and the filter's choices. */
export async function loadAuditLogPage(db: Database, filter: AuditFilter, page: { take: number; skip: number }) {
  const [{ entries, total }, facets] = await Promise.all([listAuditEntries(db.prisma, filter, page), listAuditFacets(db.prisma)]);
  return { entries, total, facets };
}
