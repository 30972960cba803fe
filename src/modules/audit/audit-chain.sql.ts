import type { DatabaseKind } from "../../config/config.js";
import type { DbOrTx } from "../../db/client.js";

/** Arbitrary constant naming the PostgreSQL advisory lock that serialises audit appends. */
const AUDIT_CHAIN_LOCK_ID = 720_113_002;

/**
 * Serialises appends to the audit chain until the transaction ends. PostgreSQL: a
 * transaction-level advisory lock (changes no row). SQLite: nothing to do, since its writers
 * are already serialised by the database lock.
 */
export async function lockAuditChain(kind: DatabaseKind, tx: DbOrTx): Promise<void> {
  if (kind === "postgresql") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_ID})`);
}
