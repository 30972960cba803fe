import type { Config } from "../config/config.js";
import type { Database } from "../db/client.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Mailer } from "../mail/mailer.js";
import { JobDispatcher } from "./dispatcher.js";
import { atWorkerStop, jobDefinitions, periodicJobsOf, workerCompanionsOf } from "./registry.js";
import { JobScheduler } from "./scheduler.js";
import { acquireWorkerLease, newWorkerHolder, type WorkerLease } from "./worker-guard.js";

/** A stale SQLite worker lease blocks a new worker for at most this long. */
const WORKER_LEASE_TTL_MS = 30_000;
/** A job's claim without renewal; the dispatcher renews it while the handler runs. */
const JOB_LEASE_MS = 5 * 60_000;

export interface StartWorkerOptions {
  config: Config;
  db: Database;
  logger: Logger;
  clock: Clock;
  /** What the mail jobs (reminders, digests, campaign notices) send through. */
  mailer: Mailer;
}

export interface RunningWorker {
  /** Recorded as claimedBy on the jobs it runs, and as the SQLite lease holder. */
  readonly workerId: string;
  /** Stops scheduling, waits for running jobs, and releases the SQLite lease. */
  stop(): Promise<void>;
}

/**
 * Starts the background worker: on SQLite only after taking the single-worker lease (throws
 * AppError "conflict" when another worker holds it), then the job dispatcher and the periodic
 * scheduler, with the job kinds and companions of jobs/registry.ts. Used inside the web process
 * and by `npm run worker`.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config, db, clock } = options;
  const logger = options.logger.child({ component: "worker" });
  const workerId = newWorkerHolder();
  const deps = { config, db, clock, logger, mailer: options.mailer };

  const dispatcher = new JobDispatcher({
    ...deps,
    workerId,
    pollMs: config.WORKER_POLL_MS,
    leaseMs: JOB_LEASE_MS,
    jobs: jobDefinitions,
  });
  const scheduler = new JobScheduler({ db, logger, clock, jobs: periodicJobsOf(config) });
  const companions = workerCompanionsOf({ ...deps, workerId });
  let stopping: Promise<void> | undefined;
  const halt = () => {
    stopping ??= (async () => {
      await scheduler.stop();
      for (const companion of companions) await companion.stop();
      await dispatcher.stop();
    })();
    return stopping;
  };

  // On PostgreSQL several workers may run (claims skip each other's locked rows) and no lease is
  // taken; on both, the jobs of workers proven gone are released before the first claim.
  const lease: WorkerLease = await acquireWorkerLease(db, {
    holder: workerId,
    ttlMs: WORKER_LEASE_TTL_MS,
    clock,
    logger,
    onLost: () => void halt(),
  });
  dispatcher.start();
  scheduler.start();
  for (const companion of companions) companion.start();
  logger.info({ workerId, databaseKind: db.kind }, "worker started");

  return {
    workerId,
    async stop() {
      await halt();
      // Failing the last act (an audit anchor) must not stop the stop: it logs instead.
      await atWorkerStop(deps);
      await lease.release();
      logger.info({ workerId }, "worker stopped");
    },
  };
}
