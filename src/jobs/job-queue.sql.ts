import type { DatabaseKind } from "../config/config.js";
import type { Database, DbOrTx } from "../db/client.js";
import { instantParam, toDate, toDateOrNull, toStringOrNull } from "../db/values.js";
import type { Job } from "../generated/sqlite/client.js";

// The job queue's raw SQL: the keyed insert (job.repository.ts), the claim (dispatcher.ts) and the
// process lease (worker-guard.ts); one function per provider where the SQL differs.

/** Maps a raw snake_case job row to the Prisma Job shape. */
function toJob(row: Record<string, unknown>): Job {
  return {
    id: String(row.id),
    kind: String(row.kind),
    key: String(row.key),
    payload: String(row.payload),
    status: String(row.status),
    runAt: toDate(row.run_at),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    claimedBy: toStringOrNull(row.claimed_by),
    leaseUntil: toDateOrNull(row.lease_until),
    lastError: toStringOrNull(row.last_error),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    finishedAt: toDateOrNull(row.finished_at),
  };
}

export interface NewJobRow {
  id: string;
  kind: string;
  key: string;
  /** JSON text */
  payload: string;
  runAt: Date;
  maxAttempts: number;
  now: Date;
}

/**
 * Inserts a queued job unless one with the same key exists, in the caller's transaction;
 * true when inserted. ON CONFLICT DO NOTHING (same syntax on both) makes the duplicate a
 * no-op instead of a unique violation, which would abort a PostgreSQL transaction.
 */
export async function insertJobUnlessKeyExists(kind: DatabaseKind, tx: DbOrTx, row: NewJobRow): Promise<boolean> {
  const now = instantParam(kind, row.now);
  // Inserts one job row; on a key conflict it changes nothing (PostgreSQL waits for a
  // concurrent inserter of the same key to finish, then does nothing).
  const inserted = await tx.$executeRaw`
    INSERT INTO "job" ("id", "kind", "key", "payload", "status", "run_at", "attempts", "max_attempts", "created_at", "updated_at")
    VALUES (${row.id}, ${row.kind}, ${row.key}, ${row.payload}, 'queued', ${instantParam(kind, row.runAt)}, 0, ${row.maxAttempts}, ${now}, ${now})
    ON CONFLICT ("key") DO NOTHING`;
  return inserted > 0;
}

export interface ClaimJobsOptions {
  workerId: string;
  limit: number;
  leaseMs: number;
  now: Date;
}

/**
 * Atomically claims up to `limit` jobs that are due (queued, runAt <= now) or whose lease has
 * expired (running, leaseUntil < now: a crashed worker's job is taken over), oldest runAt
 * first. Each claimed job is running, leased to workerId until now + leaseMs, with attempts
 * counted; no job is ever returned to two concurrent claimers.
 */
export async function claimDueJobs(db: Database, options: ClaimJobsOptions): Promise<Job[]> {
  const { workerId, limit, leaseMs, now } = options;
  if (limit < 1) return [];
  const at = instantParam(db.kind, now);
  const until = instantParam(db.kind, new Date(now.getTime() + leaseMs));
  let rows: Record<string, unknown>[];
  if (db.kind === "postgresql") {
    // Locks up to `limit` due job rows (FOR UPDATE, skipping rows another claimer holds, so
    // concurrent workers never wait on or share a job) and changes them to running under this
    // worker's lease. The CTE is MATERIALIZED because the plain `id IN (SELECT ... LIMIT n
    // FOR UPDATE SKIP LOCKED)` form can be rescanned in a nested loop and claim more than n.
    rows = await db.prisma.$queryRaw<Record<string, unknown>[]>`
      WITH picked AS MATERIALIZED (
        SELECT "id" FROM "job"
        WHERE ("status" = 'queued' AND "run_at" <= ${at})
           OR ("status" = 'running' AND "lease_until" < ${at})
        ORDER BY "run_at", "id"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE "job" SET "status" = 'running', "claimed_by" = ${workerId}, "lease_until" = ${until},
        "attempts" = "attempts" + 1, "updated_at" = ${at}
      FROM picked WHERE "job"."id" = picked."id"
      RETURNING "job".*`;
  } else {
    // Takes SQLite's database write lock for this one statement, which selects and changes
    // up to `limit` due job rows to running under this worker's lease: a single statement is
    // atomic, so two claimers cannot both see a job as due.
    rows = await db.prisma.$queryRaw<Record<string, unknown>[]>`
      UPDATE "job" SET "status" = 'running', "claimed_by" = ${workerId}, "lease_until" = ${until},
        "attempts" = "attempts" + 1, "updated_at" = ${at}
      WHERE "id" IN (
        SELECT "id" FROM "job"
        WHERE ("status" = 'queued' AND "run_at" <= ${at})
           OR ("status" = 'running' AND "lease_until" < ${at})
        ORDER BY "run_at", "id"
        LIMIT ${limit}
      )
      RETURNING *`;
  }
  // RETURNING gives no order guarantee.
  return rows.map(toJob).sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id.localeCompare(b.id));
}

export interface TakeLeaseOptions {
  name: string;
  holder: string;
  leaseUntil: Date;
  now: Date;
  /** Also take the lease from this holder even if unexpired (it is known to be dead). */
  replaceHolder?: string | null;
}

/**
 * Takes or renews a named process lease in one statement: succeeds when no row exists, the
 * row's lease has expired, it is already this holder's, or its holder is replaceHolder.
 * Returns whether this holder now has it.
 */
export async function takeProcessLease(db: Database, options: TakeLeaseOptions): Promise<boolean> {
  const now = instantParam(db.kind, options.now);
  const until = instantParam(db.kind, options.leaseUntil);
  // Inserts the lease row, or on a name conflict overwrites it only when the WHERE holds
  // (row-locked on PostgreSQL, under the write lock on SQLite), so two takers cannot both win.
  const changed = await db.prisma.$executeRaw`
    INSERT INTO "process_lease" ("name", "holder", "lease_until", "updated_at")
    VALUES (${options.name}, ${options.holder}, ${until}, ${now})
    ON CONFLICT ("name") DO UPDATE SET "holder" = excluded."holder", "lease_until" = excluded."lease_until",
      "updated_at" = excluded."updated_at"
    WHERE "process_lease"."lease_until" < ${now}
       OR "process_lease"."holder" = excluded."holder"
       OR "process_lease"."holder" = ${options.replaceHolder ?? null}`;
  return changed > 0;
}
