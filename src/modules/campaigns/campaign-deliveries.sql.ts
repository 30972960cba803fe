import type { DatabaseKind } from "../../config/config.js";
import type { Database, DbOrTx } from "../../db/client.js";
import { instantParam } from "../../db/values.js";
import { Prisma } from "../../generated/sqlite/client.js";

// What a campaign's status changes do to its deliveries in raw SQL: the row lock the
// transitions take, the retry of failed ones, the cancel of stranded ones.

/**
 * Queues a campaign's failed deliveries again (due now, queued now, so their retry window
 * starts afresh), except those whose address was suppressed in the incident since; returns how many.
 */
export async function requeueFailedDeliveries(kind: DatabaseKind, tx: DbOrTx, campaignId: string, now: Date): Promise<number> {
  const at = instantParam(kind, now);
  // Changes the campaign's failed rows (row locks on PostgreSQL; SQLite's write lock).
  return tx.$executeRaw(Prisma.sql`
    UPDATE "delivery" SET "status" = 'queued', "next_attempt_at" = ${at}, "queued_at" = ${at}, "failed_at" = NULL, "updated_at" = ${at}
    WHERE "campaign_id" = ${campaignId} AND "status" = 'failed'
      AND NOT EXISTS (SELECT 1 FROM "bounced_address" b
                      WHERE b."incident_id" = "delivery"."incident_id" AND b."email_normalized" = "delivery"."email_normalized")`);
}

/**
 * Locks a campaign's row until the caller's transaction ends, so its status changes and the
 * delivery changes that go with them (start, cancel, retry, completion) happen one at a time.
 * PostgreSQL: a row lock (FOR UPDATE; changes nothing). SQLite: nothing, as its writers are
 * serialised by the database lock.
 */
export async function lockCampaignRow(kind: DatabaseKind, tx: DbOrTx, campaignId: string): Promise<void> {
  if (kind === "postgresql") await tx.$queryRaw`SELECT 1 FROM "campaign" WHERE "id" = ${campaignId} FOR UPDATE`;
}

/**
 * Cancels deliveries left "sending" under an expired lease in cancelled campaigns: their worker
 * died after the campaign was cancelled, so nobody will record them. Returns how many.
 */
export async function cancelStrandedDeliveries(db: Database, now: Date): Promise<number> {
  const at = instantParam(db.kind, now);
  // Changes the few in-flight rows of cancelled campaigns whose lease ran out (read through
  // the (status, next_attempt_at) index: only rows in flight are "sending").
  return db.prisma.$executeRaw`
    UPDATE "delivery" SET "status" = 'cancelled', "claimed_by" = NULL, "lease_until" = NULL, "updated_at" = ${at}
    WHERE "status" = 'sending' AND "lease_until" < ${at}
      AND "campaign_id" IN (SELECT "id" FROM "campaign" WHERE "status" = 'cancelled')`;
}
