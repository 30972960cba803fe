import { defineJob, enqueueJob } from "../../jobs/index.js";
import { type ReminderJobDeps, reasonNotToRemind, reminderRecipients } from "./reminder.service.js";
import { reminderDeliverJob } from "./reminder-deliver.job.js";
import { findObligationForReminder } from "./reminders.repository.js";
import { type ReminderSendPayload, reminderSlotPayloadSchema } from "./reminders.schemas.js";

export const REMINDERS_SEND = "reminders.send";

/**
 * Runs a reminder slot's job: when the obligation is still pending, schedules one delivery
 * job per recipient (`<slot key>:<userId>`) in one transaction, so a crash re-sends at most
 * the one message in flight, never the whole list. Returns the number of deliveries scheduled.
 */
export async function fanOutReminder(deps: ReminderJobDeps, payload: ReminderSendPayload, slotKey: string): Promise<number> {
  const obligation = await findObligationForReminder(deps.db.prisma, payload.obligationId);
  const reason = reasonNotToRemind(obligation);
  if (reason || !obligation) {
    deps.logger.info({ obligationId: payload.obligationId, slot: payload.slot, reason }, "reminder not sent");
    return 0;
  }
  const recipients = await reminderRecipients(deps.db, obligation.incident);
  if (recipients.length === 0) deps.logger.info({ obligationId: obligation.id }, "reminder has no recipient who wants it");
  return deps.db.prisma.$transaction(async (tx) => {
    let scheduled = 0;
    for (const user of recipients) {
      const options = { key: `${slotKey}:${user.id}`, runAt: deps.now, now: deps.now };
      if (await enqueueJob(deps.db, tx, reminderDeliverJob, { ...payload, userId: user.id }, options)) scheduled += 1;
    }
    return scheduled;
  });
}

/** A reminder slot of one obligation (written by the sweep, keyed `reminder:<obligation>:<slot>`): fans out to its recipients. */
export const reminderSendJob = defineJob({
  id: REMINDERS_SEND,
  schema: reminderSlotPayloadSchema,
  async handler(payload, { db, mailer, config, logger, clock, job }) {
    await fanOutReminder({ db, mailer, config, logger, now: clock.now() }, payload, job.key);
  },
});
