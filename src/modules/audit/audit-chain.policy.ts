import { createHash, createHmac } from "node:crypto";

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
 * The hash of an entry: over the previous hash and a fixed-order JSON of the entry, so that
 * changing any field of any entry, or removing or reordering entries, changes every hash after
 * it. With a key, HMAC-SHA256 (entries from the chain's keyed-from entry on), which nobody
 * without the key can recompute; without, plain SHA-256 (the entries written before).
 */
export function hashAuditEntry(entry: AuditFields, key?: Buffer | null): string {
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
  return key ? createHmac("sha256", key).update(canonical).digest("hex") : createHash("sha256").update(canonical).digest("hex");
}

/**
 * A fingerprint of an audit key, kept in the database: it tells a wrong key at start from a
 * tampered entry later, and reveals nothing of the key.
 */
export function auditKeyFingerprint(key: Buffer): string {
  return createHmac("sha256", key).update("breachdesk-audit-key-check").digest("hex");
}

/** Which entries are keyed: those with seq from fromSeq on, hashed with key. */
export interface ChainKeying {
  fromSeq: number;
  key: Buffer;
}

export interface ChainBreak {
  /** The first entry found bad; null when the break is not one entry's (a setting, a missing anchor file). */
  seq: number | null;
  reason: string;
}

/**
 * Checks one run of consecutive entries against the hash that precedes them; returns the
 * first break, or null and the last hash so the next run can continue from it. Entries at or
 * after keying.fromSeq must carry the keyed hash, so a chain recomputed without the key fails.
 */
export function verifyChainSegment(
  entries: (AuditFields & { seq: number; hash: string })[],
  expectedPrevHash: string,
  keying: ChainKeying | null = null,
): { break: ChainBreak | null; lastHash: string } {
  let prev = expectedPrevHash;
  for (const entry of entries) {
    if (entry.prevHash !== prev) {
      return {
        break: { seq: entry.seq, reason: "does not follow the entry before it (an entry was removed or inserted)" },
        lastHash: prev,
      };
    }
    const key = keying && entry.seq >= keying.fromSeq ? keying.key : null;
    if (hashAuditEntry(entry, key) !== entry.hash) {
      return {
        break: {
          seq: entry.seq,
          reason: key
            ? "its content no longer matches its keyed hash (the row was altered, or its hash recomputed without the audit key)"
            : "its content no longer matches its hash (the row was altered)",
        },
        lastHash: prev,
      };
    }
    prev = entry.hash;
  }
  return { break: null, lastHash: prev };
}
