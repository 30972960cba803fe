import type { Deps } from "../../deps.js";
import { defineJob, type PeriodicJob, periodicPayloadSchema } from "../../jobs/index.js";
import { purgeJobPayloadSchema, purgeWarningPayloadSchema } from "./retention.schemas.js";
import { runPurgeJob, sendPurgeWarning, sweepRetention } from "./retention-sweep.service.js";

/** The purge of one incident, keyed retention.purge:<incident id>: once, resumed after a crash. */
export const purgeJob = defineJob({
  id: "retention.purge",
  schema: purgeJobPayloadSchema,
  async handler(payload, ctx) {
    await runPurgeJob(ctx as Deps, payload.incidentId);
  },
});

/** One manager's warning 14 or 3 days before a purge. */
export const purgeWarningJob = defineJob({
  id: "retention.warn",
  schema: purgeWarningPayloadSchema,
  async handler(payload, ctx) {
    await sendPurgeWarning(ctx as Deps, payload, ctx.job.key);
  },
});

/** Finds the purges due, the warnings due and the purges a crash left (see sweepRetention). */
export const retentionSweepJob = defineJob({
  id: "retention.sweep",
  schema: periodicPayloadSchema,
  async handler(_payload, ctx) {
    const done = await sweepRetention(ctx as Deps, { purge: purgeJob, warn: purgeWarningJob });
    if (done.purges || done.warnings) ctx.logger.info(done, "retention sweep");
  },
});

export const retentionJobs = [purgeJob, purgeWarningJob, retentionSweepJob];

/** The sweep every hour. */
export const retentionPeriodicJobs: PeriodicJob[] = [{ job: retentionSweepJob, everyMs: 60 * 60_000 }];
