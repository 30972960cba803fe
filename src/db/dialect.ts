import type { DatabaseKind } from "../config/config.js";
import type { Database, DbOrTx } from "./client.js";

/**
 * Every query that differs between SQLite and PostgreSQL is reached through this module
 * (DESIGN.md section 4). Callers pass the database kind and a client or transaction; everything
 * else in the app goes through the Prisma API, which is the same on both. The queries live by
 * domain in dialect/: jobs and the process lease, the reminder sweep; the conversions every raw
 * statement shares in dialect/values.ts. (A module's own raw SQL is its module's, in *.sql.ts
 * files: the people import's bulk SQL in modules/people, the campaign deliveries' in
 * modules/campaigns.)
 */

export * from "./dialect/jobs.js";
export * from "./dialect/reminders.js";
export { sqliteInstant } from "./dialect/values.js";

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

/**
 * Brings the query planner's statistics of a table up to date after a bulk change. SQLite:
 * PRAGMA optimize, which analyses only what changed enough (and does nothing otherwise);
 * PostgreSQL: ANALYZE of the table (a sample, not a scan; autovacuum would get there later).
 * Reads only; takes no lock that blocks writers.
 */
export async function refreshPlannerStatistics(db: Database, table: "person" | "delivery"): Promise<void> {
  if (db.kind === "sqlite") await db.prisma.$executeRawUnsafe("PRAGMA optimize");
  else await db.prisma.$executeRawUnsafe(`ANALYZE "${table}"`);
}
