import type { Database } from "../db/client.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { enqueueJob, type PeriodicJobDefinition } from "./job-definition.js";

/** Work that runs once per time slot of everyMs (slots counted from the Unix epoch, UTC). */
export interface PeriodicJob {
  /** Its payload is the slot's start ({ slotStart }). */
  job: PeriodicJobDefinition;
  everyMs: number;
}

/** Start of the slot that holds `now`: floor(now / everyMs) * everyMs. */
export function slotStartOf(now: Date, everyMs: number): Date {
  return new Date(Math.floor(now.getTime() / everyMs) * everyMs);
}

/** The job key of one slot: the same for every scheduler and every tick in that slot. */
export function periodicJobKey(kind: string, slotStart: Date): string {
  return `periodic:${kind}:${slotStart.toISOString()}`;
}

export interface JobSchedulerOptions {
  db: Database;
  logger: Logger;
  clock: Clock;
  jobs: readonly PeriodicJob[];
  /** Time between ticks (default: the shortest everyMs, at most a minute). */
  tickMs?: number;
}

/**
 * Enqueues each periodic job once per slot. The key is deterministic per slot and unique in
 * the database, so any number of schedulers and repeated ticks schedule a slot's job once;
 * slots missed while no scheduler ran are not caught up.
 */
export class JobScheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<number> | undefined;
  private readonly tickMs: number;

  constructor(private readonly options: JobSchedulerOptions) {
    for (const job of options.jobs) {
      if (!Number.isInteger(job.everyMs) || job.everyMs < 1000) {
        throw new Error(`periodic job ${job.job.id}: everyMs must be a whole number of at least 1000`);
      }
    }
    this.tickMs = options.tickMs ?? Math.min(60_000, ...options.jobs.map((job) => job.everyMs));
  }

  /** Ticks now, then every tickMs until stop(). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.safeTick(), this.tickMs);
    void this.safeTick();
  }

  /** Stops ticking and waits for a tick in progress, so the database can be closed after. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => undefined);
  }

  /** Enqueues the current slot's job of every periodic job not yet scheduled; resolves to how many were new. */
  async tick(): Promise<number> {
    const { db, clock } = this.options;
    const now = clock.now();
    let created = 0;
    for (const { job, everyMs } of this.options.jobs) {
      const slotStart = slotStartOf(now, everyMs);
      const isNew = await enqueueJob(
        db,
        db.prisma,
        job,
        { slotStart: slotStart.toISOString() },
        { key: periodicJobKey(job.id, slotStart), runAt: slotStart, now },
      );
      if (isNew) created += 1;
    }
    return created;
  }

  private async safeTick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = this.tick();
    try {
      const created = await this.ticking;
      if (created > 0) this.options.logger.debug({ created }, "periodic jobs scheduled");
    } catch (error) {
      this.options.logger.error({ err: error }, "could not schedule periodic jobs; will try at the next tick");
    } finally {
      this.ticking = undefined;
    }
  }
}
