import type { Config } from "../config/config.js";
import type { Database } from "../db/client.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Mailer } from "../mail/mailer.js";
import { auditAnchorJobHandlers, auditAnchorJobs, writeAuditAnchor } from "../modules/audit/audit-anchor.job.js";
import { bounceMailboxJobHandlers, bounceMailboxJobs } from "../modules/bounces/bounce-mailbox.js";
import { createCampaignJobHandlers, createCampaignSender } from "../modules/campaigns/campaign-jobs.js";
import { noticeRendering } from "../modules/campaigns/notice-rendering.js";
import { peopleJobHandlers } from "../modules/people/people-jobs.js";
import { personDeletionJobHandlers } from "../modules/people/person-deletion.service.js";
import { createReminderJobHandlers, reminderPeriodicJobs } from "../modules/reminders/reminder-jobs.js";
import { JobDispatcher, type JobHandlers } from "./dispatcher.js";
import { createHousekeepingHandlers, housekeepingJobs } from "./housekeeping.js";
import { JobScheduler, type PeriodicJob } from "./scheduler.js";
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
  /** Handlers of the feature modules' job kinds (reminders, mail). */
  extraHandlers?: JobHandlers;
  extraPeriodicJobs?: PeriodicJob[];
  /** What the mail jobs (reminders, digests) send through. */
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
 * scheduler. Used inside the web process and by `npm run worker`.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config, db, clock } = options;
  const logger = options.logger.child({ component: "worker" });
  const handlers = mergeHandlers(createHousekeepingHandlers({ loginWindowMinutes: config.LOGIN_WINDOW_MINUTES }), {
    ...createReminderJobHandlers({ config, mailer: options.mailer }),
    ...bounceMailboxJobHandlers({ config, mailer: options.mailer }),
    ...createCampaignJobHandlers({ config, mailer: options.mailer }),
    ...peopleJobHandlers({ db, clock }),
    ...personDeletionJobHandlers({ db, clock }),
    ...auditAnchorJobHandlers({ config }),
    ...options.extraHandlers,
  });
  const workerId = newWorkerHolder();

  const dispatcher = new JobDispatcher({
    db,
    logger,
    clock,
    workerId,
    pollMs: config.WORKER_POLL_MS,
    leaseMs: JOB_LEASE_MS,
    handlers,
  });
  const scheduler = new JobScheduler({
    db,
    logger,
    clock,
    jobs: [
      ...housekeepingJobs,
      ...reminderPeriodicJobs,
      ...bounceMailboxJobs(config),
      ...auditAnchorJobs,
      ...(options.extraPeriodicJobs ?? []),
    ],
  });
  // Campaign notices are claimed from their own table (delivery), not as jobs: see modules/campaigns.
  const sender = createCampaignSender({
    config,
    db,
    mailer: options.mailer,
    clock,
    logger,
    workerId,
    rendering: noticeRendering,
  });
  let stopping: Promise<void> | undefined;
  const halt = () => {
    stopping ??= (async () => {
      await scheduler.stop();
      await sender.stop();
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
  sender.start();
  logger.info({ workerId, databaseKind: db.kind }, "worker started");

  return {
    workerId,
    async stop() {
      await halt();
      // A last anchor, so entries of the final minute are covered too; failing it must not stop the stop.
      await writeAuditAnchor({ config, db, clock, logger }).catch((error) =>
        logger.error({ err: error }, "could not write the audit anchor at stop"),
      );
      await lease.release();
      logger.info({ workerId }, "worker stopped");
    },
  };
}

function mergeHandlers(base: JobHandlers, extra: JobHandlers = {}): JobHandlers {
  for (const kind of Object.keys(extra)) {
    if (Object.hasOwn(base, kind)) throw new Error(`job kind ${kind} has two handlers`);
  }
  return { ...base, ...extra };
}
