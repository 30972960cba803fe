import { defineJob, type PeriodicJob, periodicPayloadSchema } from "../../jobs/index.js";
import { sweepDigests } from "./digest.service.js";
import { digestSendJob } from "./digest-send.job.js";
import { reminderDeliverJob } from "./reminder-deliver.job.js";
import { reminderSendJob } from "./reminder-send.job.js";
import { sweepReminders } from "./reminder-sweep.service.js";

export const REMINDERS_SWEEP = "reminders.sweep";
export const DIGEST_SWEEP = "reminders.digest-sweep";

/** Schedules the reminder slots that have come (see sweepReminders). */
export const remindersSweepJob = defineJob({
  id: REMINDERS_SWEEP,
  schema: periodicPayloadSchema,
  async handler(_payload, { db, clock, logger }) {
    await sweepReminders(db, clock.now(), logger);
  },
});

/** Schedules the digests whose hour has come (see sweepDigests). */
export const digestSweepJob = defineJob({
  id: DIGEST_SWEEP,
  schema: periodicPayloadSchema,
  async handler(_payload, { db, clock }) {
    await sweepDigests(db, clock.now());
  },
});

/** Every job kind of the reminders module. */
export const reminderJobs = [remindersSweepJob, reminderSendJob, reminderDeliverJob, digestSweepJob, digestSendJob];

/** The reminder sweep every minute and the digest sweep every five. */
export const reminderPeriodicJobs: PeriodicJob[] = [
  { job: remindersSweepJob, everyMs: 60_000 },
  { job: digestSweepJob, everyMs: 5 * 60_000 },
];
