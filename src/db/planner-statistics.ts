import type { Database } from "./client.js";

// What src/db keeps besides the client and the value conversions (values.ts): a provider switch
// that any module's bulk path may need. A module's own raw SQL is its module's, in *.sql.ts files
// beside its repository (DESIGN.md section 4): the people import's in modules/people, the
// deliveries' in modules/campaigns, the reminder sweep's in modules/reminders, the audit chain's
// lock in modules/audit; the job queue's is in src/jobs.

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
