import type { Config } from "../../config/config.js";
import type { JobHandlers } from "../../jobs/dispatcher.js";
import type { PeriodicJob } from "../../jobs/scheduler.js";
import type { Mailer } from "../../mail/mailer.js";
import { DIGEST_SEND, type DigestPayload, sendDigest, sweepDigests } from "./digest.js";
import { deliverReminder, fanOutReminder, REMINDERS_DELIVER, type ReminderDeliverPayload } from "./reminder.service.js";
import { REMINDERS_SEND, type ReminderSendPayload, sweepReminders } from "./reminder.sweep.js";

export const REMINDERS_SWEEP = "reminders.sweep";
export const DIGEST_SWEEP = "reminders.digest-sweep";

/** The reminder sweep every minute and the digest sweep every five. */
export const reminderPeriodicJobs: PeriodicJob[] = [
  { kind: REMINDERS_SWEEP, everyMs: 60_000 },
  { kind: DIGEST_SWEEP, everyMs: 5 * 60_000 },
];

/** Handlers of the reminder job kinds, sending through the given mailer. */
export function createReminderJobHandlers(settings: { config: Config; mailer: Mailer }): JobHandlers {
  const { config, mailer } = settings;
  return {
    async [REMINDERS_SWEEP](_payload, { db, clock, logger }) {
      await sweepReminders(db, clock.now(), logger);
    },
    async [REMINDERS_SEND](payload, { db, clock, logger, job }) {
      await fanOutReminder({ db, mailer, config, logger, now: clock.now() }, payload as ReminderSendPayload, job.key);
    },
    async [REMINDERS_DELIVER](payload, { db, clock, logger, job }) {
      await deliverReminder({ db, mailer, config, logger, now: clock.now() }, payload as ReminderDeliverPayload, job.key);
    },
    async [DIGEST_SWEEP](_payload, { db, clock }) {
      await sweepDigests(db, clock.now());
    },
    async [DIGEST_SEND](payload, { db, clock, logger }) {
      await sendDigest({ db, mailer, config, logger, now: clock.now() }, payload as DigestPayload);
    },
  };
}
