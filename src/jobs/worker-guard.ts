import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Database } from "../db/client.js";
import type { Clock } from "../lib/clock.js";
import { AppError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { listJobHolders, releaseJobsOfGoneWorkers } from "./job.repository.js";
import { takeProcessLease } from "./job-queue.sql.js";

/** The ProcessLease row that only the one SQLite worker may hold. */
const LEASE_NAME = "worker";

/** Workers this process has started and not stopped: a same-pid holder outside it is a dead predecessor. */
const heldHere = new Set<string>();

/** A holder id for this process, `<pid>@<host>/<random>`: it names the process in a refusal. */
export function newWorkerHolder(): string {
  return `${process.pid}@${hostname()}/${randomBytes(4).toString("hex")}`;
}

function parseHolder(holder: string): { pid: number; host: string } | null {
  const match = /^(\d+)@([^/]+)\/.+$/.exec(holder);
  return match ? { pid: Number(match[1]), host: String(match[2]) } : null;
}

/** "pid 1234 on host x" for a holder made by newWorkerHolder, else the holder itself. */
export function describeHolder(holder: string): string {
  const parsed = parseHolder(holder);
  return parsed ? `pid ${parsed.pid} on host ${parsed.host}` : holder;
}

/**
 * True only when the holder is certainly gone: a process of this host whose pid no longer
 * exists, or this very pid (a restarted container often reuses it) when this process never
 * took that lease. Without this, a worker killed with SIGKILL would block its own restart
 * for the whole ttl.
 */
function isHolderDead(holder: string): boolean {
  const parsed = parseHolder(holder);
  if (!parsed || parsed.host !== hostname()) return false;
  if (parsed.pid === process.pid) return !heldHere.has(holder);
  try {
    process.kill(parsed.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

export interface WorkerLease {
  readonly holder: string;
  /** Extends the lease by ttl from now; false when another process has taken it over. */
  renew(): Promise<boolean>;
  /** Stops renewing and deletes the lease (only if still ours), so the next worker starts at once. */
  release(): Promise<void>;
}

export interface AcquireWorkerLeaseOptions {
  /** From newWorkerHolder(). */
  holder: string;
  ttlMs: number;
  clock: Clock;
  logger?: Logger;
  /** Called once if a renewal finds the lease taken over (this process stalled past the ttl). */
  onLost?: () => void;
}

/**
 * Admits a starting worker and frees at once the jobs of the workers it proves gone, so that an
 * import a crashed worker was running continues now rather than when its 5-minute job lease
 * runs out. On SQLite: takes the single-worker lease when it is free, expired, or held by a
 * dead process of this host, in one conditional write (two starters cannot both win), renews it
 * every ttl/3, and throws AppError "conflict" naming the live holder otherwise; once it is held,
 * no other worker may run, so every running job claimed by another holder is released. On
 * PostgreSQL several workers run and no lease is written: only the jobs of workers of this host
 * whose process no longer exists are released. A released import job continues after its last
 * checkpoint, and a run thought dead that still writes is refused by the import's run number.
 */
export async function acquireWorkerLease(db: Database, options: AcquireWorkerLeaseOptions): Promise<WorkerLease> {
  if (db.kind === "postgresql") {
    heldHere.add(options.holder);
    const holders = (await listJobHolders(db.prisma, options.holder)).filter(isHolderDead);
    await releaseJobsOf(db, { in: holders }, options);
    return new UnleasedWorker(options.holder);
  }
  const { holder, ttlMs, clock } = options;
  const take = (replaceHolder: string | null) => {
    const now = clock.now();
    return takeProcessLease(db, { name: LEASE_NAME, holder, leaseUntil: new Date(now.getTime() + ttlMs), now, replaceHolder });
  };
  if (!(await take(null))) {
    const current = await db.prisma.processLease.findUnique({ where: { name: LEASE_NAME } });
    // Compare-and-swap on the dead holder: if it changed meanwhile, the take fails.
    const deadHolder = current && isHolderDead(current.holder) ? current.holder : null;
    if (!(await take(deadHolder))) {
      const holderNow = (await db.prisma.processLease.findUnique({ where: { name: LEASE_NAME } })) ?? current;
      throw refusal(holderNow, clock.now());
    }
    if (deadHolder)
      options.logger?.warn({ previousHolder: deadHolder }, "took over the worker lease of a process that no longer exists");
  }
  heldHere.add(holder);
  const lease = new HeldWorkerLease(db, options);
  // The lease is ours: whoever claimed a job still running stopped, or stalled past its lease and
  // stops when it next renews (onLost), so its jobs would only wait for their own leases.
  await releaseJobsOf(db, { notIn: [holder] }, options);
  return lease;
}

async function releaseJobsOf(
  db: Database,
  claimedBy: { in: string[] } | { notIn: string[] },
  options: AcquireWorkerLeaseOptions,
): Promise<void> {
  try {
    const released = await releaseJobsOfGoneWorkers(db.prisma, claimedBy, {
      now: options.clock.now(),
      reason: `Its worker stopped; released when worker ${describeHolder(options.holder)} started.`,
    });
    if (released > 0) options.logger?.warn({ released }, "released the running jobs of workers that are gone");
  } catch (error) {
    // Not fatal: those jobs are taken over anyway once their own leases run out.
    options.logger?.warn({ err: error }, "could not release the running jobs of workers that are gone");
  }
}

/** PostgreSQL's admission: no lease to renew; it only marks this holder as alive in this process. */
class UnleasedWorker implements WorkerLease {
  constructor(readonly holder: string) {}

  async renew(): Promise<boolean> {
    return true;
  }

  async release(): Promise<void> {
    heldHere.delete(this.holder);
  }
}

function refusal(current: { holder: string; updatedAt: Date } | null, now: Date): AppError {
  const who = current
    ? `${describeHolder(current.holder)}, last seen ${Math.max(0, Math.round((now.getTime() - current.updatedAt.getTime()) / 1000))} s ago`
    : "unknown process";
  return new AppError(
    "conflict",
    `Another Breachdesk worker (${who}) is running on this SQLite database; only one may run. ` +
      "Stop it, or set RUN_WORKER=false in the web process when running `npm run worker`.",
  );
}

class HeldWorkerLease implements WorkerLease {
  readonly holder: string;
  private readonly timer: NodeJS.Timeout;
  private isHeld = true;

  constructor(
    private readonly db: Database,
    private readonly options: AcquireWorkerLeaseOptions,
  ) {
    this.holder = options.holder;
    this.timer = setInterval(() => void this.renewOrGiveUp(), Math.max(1000, Math.floor(options.ttlMs / 3)));
    // The worker's own timers keep the process alive; the lease must not.
    this.timer.unref();
  }

  async renew(): Promise<boolean> {
    const now = this.options.clock.now();
    const { count } = await this.db.prisma.processLease.updateMany({
      where: { name: LEASE_NAME, holder: this.holder },
      data: { leaseUntil: new Date(now.getTime() + this.options.ttlMs), updatedAt: now },
    });
    return count === 1;
  }

  async release(): Promise<void> {
    this.stopHolding();
    await this.db.prisma.processLease.deleteMany({ where: { name: LEASE_NAME, holder: this.holder } });
  }

  private stopHolding(): void {
    clearInterval(this.timer);
    this.isHeld = false;
    heldHere.delete(this.holder);
  }

  private async renewOrGiveUp(): Promise<void> {
    if (!this.isHeld) return;
    try {
      if (await this.renew()) return;
    } catch (error) {
      this.options.logger?.warn({ err: error }, "could not renew the worker lease; will try again");
      return;
    }
    if (!this.isHeld) return;
    this.stopHolding();
    this.options.logger?.error(
      { holder: this.holder },
      "the worker lease was taken over by another process (this one stalled past its ttl); stopping this worker",
    );
    this.options.onLost?.();
  }
}
