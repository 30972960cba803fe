import type { Database, DbOrTx } from "../db/client.js";
import type { Job } from "../generated/sqlite/client.js";
import { newId } from "../lib/ids.js";
import { insertJobUnlessKeyExists } from "./job-queue.sql.js";

export type { Job };
export type JobStatus = "queued" | "running" | "done" | "failed";

export const DEFAULT_MAX_ATTEMPTS = 5;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;
/** Long enough for a stack-less message from any mail server or driver; bounded for the admin page. */
const MAX_ERROR_LENGTH = 2000;

export interface InsertJobInput {
  kind: string;
  /** Unique: a second job with the same key is not scheduled. */
  key: string;
  /** The payload as JSON text (job-definition.ts checks it against the kind's schema first). */
  payload: string;
  runAt: Date;
  maxAttempts?: number;
  /** Bookkeeping instant for createdAt; the caller's clock when it has one. */
  now?: Date;
}

/**
 * Writes a job row in the caller's transaction, so it commits or rolls back with the change
 * that causes it; returns false, changing nothing, when a job with the same key exists.
 * Feature modules enqueue through the typed enqueueJob of job-definition.ts instead.
 */
export async function insertJob(db: Pick<Database, "kind">, tx: DbOrTx, input: InsertJobInput): Promise<boolean> {
  return insertJobUnlessKeyExists(db.kind, tx, {
    id: newId(),
    kind: input.kind,
    key: input.key,
    payload: input.payload,
    runAt: input.runAt,
    maxAttempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    now: input.now ?? new Date(),
  });
}

/** Delay before the next try after `attempts` failed tries: 30 s doubling, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/** The text kept in lastError for a thrown value. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** Who holds a claimed job: every result is recorded only while that claim still stands. */
type Claim = Pick<Job, "id" | "claimedBy">;

function ownClaim(job: Claim) {
  return { id: job.id, status: "running", claimedBy: job.claimedBy };
}

/**
 * Marks a claimed job done; false (changing nothing) when the claim no longer stands, i.e.
 * its lease expired and another worker took the job over.
 */
export async function completeJob(db: DbOrTx, job: Claim, now: Date): Promise<boolean> {
  const { count } = await db.job.updateMany({
    where: ownClaim(job),
    data: { status: "done", finishedAt: now, leaseUntil: null, lastError: null, updatedAt: now },
  });
  return count === 1;
}

export interface FailJobOptions {
  error: unknown;
  now: Date;
  /** Fail now whatever the attempts left (e.g. no handler for the kind). */
  permanent?: boolean;
}

export type FailJobResult = { status: "queued"; runAt: Date } | { status: "failed" } | { status: "lost" };

/**
 * Records a failed attempt of a claimed job: back to queued with an exponential backoff while
 * attempts < maxAttempts, else failed for good; lastError keeps the error text either way.
 * "lost" (changing nothing) when the claim no longer stands.
 */
export async function failJob(
  db: DbOrTx,
  job: Claim & Pick<Job, "attempts" | "maxAttempts">,
  options: FailJobOptions,
): Promise<FailJobResult> {
  const { now } = options;
  const lastError = errorText(options.error);
  if (!options.permanent && job.attempts < job.maxAttempts) {
    const runAt = new Date(now.getTime() + retryDelayMs(job.attempts));
    const { count } = await db.job.updateMany({
      where: ownClaim(job),
      data: { status: "queued", runAt, claimedBy: null, leaseUntil: null, lastError, updatedAt: now },
    });
    return count === 1 ? { status: "queued", runAt } : { status: "lost" };
  }
  const { count } = await db.job.updateMany({
    where: ownClaim(job),
    data: { status: "failed", finishedAt: now, leaseUntil: null, lastError, updatedAt: now },
  });
  return count === 1 ? { status: "failed" } : { status: "lost" };
}

export interface ExtendLeaseOptions {
  workerId: string;
  leaseMs: number;
  now: Date;
}

/**
 * Pushes a running job's lease to now + leaseMs, only while workerId still holds it; false
 * when the job was taken over (the caller should stop working on it).
 */
export async function extendJobLease(db: DbOrTx, jobId: string, options: ExtendLeaseOptions): Promise<boolean> {
  const { count } = await db.job.updateMany({
    where: { id: jobId, status: "running", claimedBy: options.workerId },
    data: { leaseUntil: new Date(options.now.getTime() + options.leaseMs), updatedAt: options.now },
  });
  return count === 1;
}

export interface ReleaseJobsOptions {
  now: Date;
  /** Kept as the jobs' lastError, so the jobs page says why they went back to the queue. */
  reason: string;
}

/**
 * Puts the running jobs claimed by workers known to be gone back in the queue, due at once,
 * instead of leaving them until their lease runs out. `claimedBy: { in }` names the gone
 * workers; `{ notIn }` names the only live ones (the SQLite worker that holds the lease).
 * attempts is left as it is: the next claim counts one, as a claim after an expired lease does,
 * so a job that keeps killing its worker still reaches maxAttempts. Returns how many.
 */
export async function releaseJobsOfGoneWorkers(
  db: DbOrTx,
  claimedBy: { in: string[] } | { notIn: string[] },
  options: ReleaseJobsOptions,
): Promise<number> {
  if ("in" in claimedBy && claimedBy.in.length === 0) return 0;
  const { count } = await db.job.updateMany({
    where: { status: "running", claimedBy: { ...claimedBy, not: null } },
    data: {
      status: "queued",
      claimedBy: null,
      leaseUntil: null,
      lastError: errorText(options.reason),
      updatedAt: options.now,
    },
  });
  return count;
}

/** The workers that hold running jobs, other than `except`. */
export async function listJobHolders(db: DbOrTx, except: string): Promise<string[]> {
  const rows = await db.job.findMany({
    where: { status: "running", claimedBy: { not: except } },
    distinct: ["claimedBy"],
    select: { claimedBy: true },
  });
  return rows.flatMap((row) => (row.claimedBy ? [row.claimedBy] : []));
}

/** The job scheduled under a key, or null. */
export async function getJobByKey(db: DbOrTx, key: string): Promise<Job | null> {
  return db.job.findUnique({ where: { key } });
}

export interface ListJobsFilter {
  status?: JobStatus;
  kind?: string;
  take?: number;
  skip?: number;
}

/** Jobs matching the filter, latest runAt first, at most `take` (default 50, at most 500). */
export async function listJobs(db: DbOrTx, filter: ListJobsFilter = {}): Promise<Job[]> {
  return db.job.findMany({
    where: { status: filter.status, kind: filter.kind },
    orderBy: [{ runAt: "desc" }, { id: "asc" }],
    take: Math.min(Math.max(filter.take ?? 50, 1), 500),
    skip: Math.max(filter.skip ?? 0, 0),
  });
}
