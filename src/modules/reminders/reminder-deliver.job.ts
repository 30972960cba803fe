import { defineJob } from "../../jobs/index.js";
import { deliverReminder } from "./reminder.service.js";
import { reminderDeliverPayloadSchema } from "./reminders.schemas.js";

export const REMINDERS_DELIVER = "reminders.deliver";

/** One reminder to one person, keyed `<slot key>:<userId>` (its Message-ID derives from the key). */
export const reminderDeliverJob = defineJob({
  id: REMINDERS_DELIVER,
  schema: reminderDeliverPayloadSchema,
  async handler(payload, { db, mailer, config, logger, clock, job }) {
    await deliverReminder({ db, mailer, config, logger, now: clock.now() }, payload, job.key);
  },
});
