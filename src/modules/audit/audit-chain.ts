import { createHash } from "node:crypto";

/** The fields of an audit entry that its hash covers, in the order they are hashed. */
export interface AuditFields {
  at: Date;
  actorId: string | null;
  actorLabel: string;
  ip: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  incidentId: string | null;
  before: string | null;
  after: string | null;
  prevHash: string;
}

/** prevHash of the first entry of the chain. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * SHA-256 over the previous hash and a fixed-order JSON of the entry, so that changing any
 * field of any entry, or removing or reordering entries, changes every hash after it.
 */
export function hashAuditEntry(entry: AuditFields): string {
  const canonical = JSON.stringify([
    entry.prevHash,
    entry.at.toISOString(),
    entry.actorId,
    entry.actorLabel,
    entry.ip,
    entry.action,
    entry.entityType,
    entry.entityId,
    entry.incidentId,
    entry.before,
    entry.after,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

export interface ChainBreak {
  seq: number;
  reason: string;
}

/**
 * Checks one run of consecutive entries against the hash that precedes them; returns the
 * first break, or null and the last hash so the next run can continue from it.
 */
export function verifyChainSegment(
  entries: (AuditFields & { seq: number; hash: string })[],
  expectedPrevHash: string,
): { break: ChainBreak | null; lastHash: string } {
  let prev = expectedPrevHash;
  for (const entry of entries) {
    if (entry.prevHash !== prev) {
      return {
        break: { seq: entry.seq, reason: "does not follow the entry before it (an entry was removed or inserted)" },
        lastHash: prev,
      };
    }
    if (hashAuditEntry(entry) !== entry.hash) {
      return {
        break: { seq: entry.seq, reason: "its content no longer matches its hash (the row was altered)" },
        lastHash: prev,
      };
    }
    prev = entry.hash;
  }
  return { break: null, lastHash: prev };
}
