import type { Config } from "../config/config.js";
import type { Database } from "../db/client.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Mailer } from "../mail/mailer.js";
import { completeJob, errorText, extendJobLease, type FailJobResult, failJob, type Job } from "./job.repository.js";
import { type AnyJobDefinition, parseJobPayload } from "./job-definition.js";
import { claimDueJobs } from "./job-queue.sql.js";

export type { JobContext } from "./job-definition.js";

export interface JobDispatcherOptions {
  db: Database;
  logger: Logger;
  clock: Clock;
  /** Handed to every handler in its context, with db, logger and clock. */
  config: Config;
  mailer: Mailer;
  /** Unique per process: leases are recorded under it. */
  workerId: string;
  /** Idle wait between two polls. */
  pollMs: number;
  /** How long a claim lasts without renewal; renewed every third of it while a handler runs. */
  leaseMs: number;
  /** The job kinds this dispatcher runs; a job of another kind fails at once. */
  jobs: readonly AnyJobDefinition[];
  /** Jobs claimed and run concurrently in one batch (default 5). */
  batchSize?: number;
}

export interface StopOptions {
  /** How long to wait for running jobs before aborting them (default 30 s). */
  timeoutMs?: number;
}

/**
 * Claims due jobs, runs each with its kind's handler and records done, retry or failure.
 * Jobs left running when the process dies are taken over by the next claim once their lease
 * expires, so a crash loses nothing; handlers must therefore tolerate a second run.
 */
export class JobDispatcher {
  private readonly options: Required<JobDispatcherOptions>;
  private readonly definitions = new Map<string, AnyJobDefinition>();
  private isRunning = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<number>>();
  private readonly controllers = new Set<AbortController>();

  constructor(options: JobDispatcherOptions) {
    this.options = { batchSize: 5, ...options };
    for (const definition of options.jobs) {
      if (this.definitions.has(definition.id)) throw new Error(`job kind ${definition.id} is defined twice`);
      this.definitions.set(definition.id, definition);
    }
  }

  /** Starts polling now and then every pollMs while idle (at once again after a full batch). */
  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    this.options.logger.info({ workerId: this.options.workerId, kinds: [...this.definitions.keys()] }, "job dispatcher started");
    this.schedule(0);
  }

  /**
   * Stops polling and waits for the jobs in flight; after timeoutMs it aborts their signals
   * and resolves false (their leases expire and another run takes them over).
   */
  async stop(options: StopOptions = {}): Promise<boolean> {
    this.isRunning = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight.size === 0) {
      this.options.logger.info("job dispatcher stopped");
      return true;
    }
    let timeout: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.allSettled([...this.inFlight]).then(() => true),
      new Promise<false>((resolve) => {
        timeout = setTimeout(() => resolve(false), options.timeoutMs ?? 30_000);
      }),
    ]);
    clearTimeout(timeout);
    if (!drained) {
      this.options.logger.warn(
        { running: this.controllers.size },
        "job dispatcher stopped with jobs still running; aborting them",
      );
      for (const controller of this.controllers) controller.abort(new Error("the worker is stopping"));
    } else {
      this.options.logger.info("job dispatcher stopped");
    }
    return drained;
  }

  /** Claims one batch of due jobs, runs them all and records their results; resolves to how many ran. */
  runOnce(): Promise<number> {
    const run = this.claimAndRun();
    this.inFlight.add(run);
    const forget = () => this.inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.poll(), delayMs);
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    if (!this.isRunning) return;
    let claimed = 0;
    try {
      claimed = await this.runOnce();
    } catch (error) {
      this.options.logger.error({ err: error }, "job poll failed; trying again after the poll interval");
    }
    if (this.isRunning) this.schedule(claimed >= this.options.batchSize ? 0 : this.options.pollMs);
  }

  private async claimAndRun(): Promise<number> {
    const { db, workerId, batchSize, leaseMs, clock } = this.options;
    const jobs = await claimDueJobs(db, { workerId, limit: batchSize, leaseMs, now: clock.now() });
    await Promise.all(jobs.map((job) => this.runJob(job)));
    return jobs.length;
  }

  /** Never throws: every outcome is recorded or logged. */
  private async runJob(job: Job): Promise<void> {
    const { clock, db, config, mailer } = this.options;
    const logger = this.options.logger.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    const definition = this.definitions.get(job.kind);
    if (!definition) {
      const known = [...this.definitions.keys()].join(", ") || "none";
      return this.recordFailure(job, logger, `no handler for job kind "${job.kind}" (known kinds: ${known})`, true);
    }
    if (job.attempts > job.maxAttempts) {
      // Only a take-over gets here: each earlier claim ended in an expired lease, not a result.
      const reason = `gave up after ${job.attempts - 1} attempts whose worker stopped or crashed before recording a result`;
      const last = job.lastError ? `; last error: ${job.lastError}` : "";
      return this.recordFailure(job, logger, reason + last, true);
    }
    // A payload that does not fit its kind's schema fails for good: another try reads the same row.
    const parsed = parseJobPayload(definition, job.payload);
    if (!parsed.ok) return this.recordFailure(job, logger, parsed.error, true);

    const controller = new AbortController();
    this.controllers.add(controller);
    const renewal = setInterval(() => void this.renewLease(job, controller, logger), Math.max(1000, this.options.leaseMs / 3));
    renewal.unref();
    const startedAt = performance.now();
    let failure: unknown;
    let failed = false;
    try {
      await definition.handler(parsed.payload, { job, db, logger, clock, config, mailer, signal: controller.signal });
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      clearInterval(renewal);
      this.controllers.delete(controller);
    }
    const durationMs = Math.round(performance.now() - startedAt);
    if (failed) return this.recordFailure(job, logger.child({ durationMs }), failure, false);
    try {
      const recorded = await completeJob(db.prisma, job, clock.now());
      if (recorded) logger.info({ durationMs }, "job done");
      else
        logger.warn({ durationMs }, "job finished after its lease was taken over by another worker; its result was not recorded");
    } catch (error) {
      logger.error({ err: error }, "could not record the job as done; it will run again when its lease expires");
    }
  }

  private async recordFailure(job: Job, logger: Logger, error: unknown, permanent: boolean): Promise<void> {
    let result: FailJobResult;
    try {
      result = await failJob(this.options.db.prisma, job, { error, now: this.options.clock.now(), permanent });
    } catch (recordError) {
      logger.error(
        { err: recordError, jobError: errorText(error) },
        "could not record the job's failure; it will run again when its lease expires",
      );
      return;
    }
    const detail = { error: errorText(error), attempts: job.attempts, maxAttempts: job.maxAttempts };
    if (result.status === "queued") logger.warn({ ...detail, retryAt: result.runAt.toISOString() }, "job failed; will retry");
    else if (result.status === "failed") logger.error(detail, "job failed permanently");
    else logger.warn(detail, "job failed after its lease was taken over by another worker; nothing recorded");
  }

  private async renewLease(job: Job, controller: AbortController, logger: Logger): Promise<void> {
    const { db, workerId, leaseMs, clock } = this.options;
    try {
      const kept = await extendJobLease(db.prisma, job.id, { workerId, leaseMs, now: clock.now() });
      if (!kept && !controller.signal.aborted) {
        logger.warn("lost the job's lease to another worker; aborting this run");
        controller.abort(new Error("the job's lease was taken over by another worker"));
      }
    } catch (error) {
      logger.warn({ err: error }, "could not renew the job's lease; will try again");
    }
  }
}
