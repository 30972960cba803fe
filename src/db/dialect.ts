import type { DatabaseKind } from "../config/config.js";
import type { DbOrTx } from "./client.js";

/**
 * Every query that differs between SQLite and PostgreSQL lives here (DESIGN.md section 4).
 * Callers pass the database kind and a client or transaction; everything else in the app
 * goes through the Prisma API, which is the same on both.
 */

/**
 * SQLite stores Prisma DateTime values as text in this exact shape (adapter-better-sqlite3,
 * timestampFormat iso8601); raw comparisons against those columns must use the same shape.
 */
export function sqliteInstant(at: Date): string {
  return at.toISOString().replace("Z", "+00:00");
}

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
