import type { Database } from "../../db/client.js";
import { Prisma } from "../../generated/sqlite/client.js";
import type { SendRateLimits } from "./token-bucket.policy.js";

// The relay's token bucket shared by every worker of a deployment (decision 0035): one row of
// `send_rate_bucket`, in thousandths of a token, refilled from the database's own clock. PostgreSQL
// only: on SQLite one worker runs, and its bucket in memory is the deployment's.

/** The bucket row's id: Breachdesk sends through one relay. */
const BUCKET_ID = "mail";

/** What one take got: tokens granted (0 to `want`), and when none was, how long until one is due. */
export interface SharedTokenGrant {
  granted: number;
  waitMs: number;
}

/** The row, full, the first time any worker takes from it. */
export async function ensureSharedBucket(db: Database, limits: SendRateLimits): Promise<void> {
  await db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO "send_rate_bucket" ("id", "second_milli", "hour_milli", "refilled_at")
    VALUES (${BUCKET_ID}, ${BigInt(limits.perSecond) * 1000n}, ${BigInt(limits.perHour) * 1000n}, clock_timestamp() AT TIME ZONE 'UTC')
    ON CONFLICT ("id") DO NOTHING`);
}

/**
 * Takes up to `want` whole tokens from both layers at once (per second and per hour; a layer of 0
 * is no limit) in ONE statement: the row is locked (FOR UPDATE), refilled for the time since it
 * last was (capped at each layer's capacity), and written back only when tokens were granted,
 * so frequent empty takes never lose the fractions a slow layer (a few an hour) gathers. Two
 * workers taking at once queue on the row lock and each sees the other's take.
 */
export async function takeSharedTokens(db: Database, limits: SendRateLimits, want: number): Promise<SharedTokenGrant> {
  const elapsedSeconds = Prisma.sql`GREATEST(0, EXTRACT(EPOCH FROM ((clock_timestamp() AT TIME ZONE 'UTC') - "refilled_at")))`;
  // A layer without a limit always holds enough.
  const plenty = Prisma.sql`${BigInt(want) * 1000n}::bigint`;
  const layer = (column: string, perSecond: number, capacity: number) =>
    capacity > 0
      ? Prisma.sql`LEAST(${BigInt(capacity) * 1000n}::bigint, ${Prisma.raw(`"${column}"`)} + FLOOR(${elapsedSeconds} * ${perSecond * 1000})::bigint)`
      : plenty;
  const rows = await db.prisma.$queryRaw<{ granted: bigint | number; s: bigint | number; h: bigint | number }[]>(Prisma.sql`
    WITH b AS (
      SELECT ${layer("second_milli", limits.perSecond, limits.perSecond)} AS "s",
             ${layer("hour_milli", limits.perHour / 3600, limits.perHour)} AS "h"
      FROM "send_rate_bucket" WHERE "id" = ${BUCKET_ID} FOR UPDATE
    ), g AS (
      SELECT "s", "h", LEAST(${want}::bigint, "s" / 1000, "h" / 1000) AS "granted" FROM b
    ), u AS (
      UPDATE "send_rate_bucket" SET "second_milli" = g."s" - g."granted" * 1000, "hour_milli" = g."h" - g."granted" * 1000,
        "refilled_at" = clock_timestamp() AT TIME ZONE 'UTC'
      FROM g WHERE "id" = ${BUCKET_ID} AND g."granted" > 0
      RETURNING 1
    )
    SELECT "granted", "s", "h" FROM g`);
  const row = rows[0];
  if (!row) throw new Error("the shared send rate's row is missing");
  const granted = Number(row.granted);
  if (granted > 0) return { granted, waitMs: 0 };
  // Milliseconds until each limited layer holds a whole token again.
  const waits = [
    limits.perSecond > 0 ? ((1000 - Number(row.s)) * 1000) / (limits.perSecond * 1000) : 0,
    limits.perHour > 0 ? ((1000 - Number(row.h)) * 3_600_000) / (limits.perHour * 1000) : 0,
  ];
  return { granted: 0, waitMs: Math.max(1, Math.ceil(Math.max(...waits))) };
}
