// The reminders' part when obligations change (the obligations module's "obligations.changed"
// event, registered in src/incident-events.ts): each changed obligation's stored next reminder
// follows its new deadline, clock start and status, in the transaction of the change.
import type { DbOrTx } from "../../db/client.js";
import { nextReminderFor } from "./reminder-schedule.policy.js";
import { setNextReminder } from "./reminders.repository.js";

interface ChangedObligation {
  id: string;
  status: string;
  dueAt: Date | null;
  clockStartedAt: Date | null;
  nextReminderAt: Date | null;
  nextReminderSlot: string | null;
}

/**
 * Stores the next reminder of each changed obligation (none unless pending with a due instant),
 * from `now`, or from the deadline's first slot when the caller has no clock; writes only the
 * rows whose reminder moves.
 */
export async function rescheduleReminders(tx: DbOrTx, obligations: ChangedObligation[], now: Date | null): Promise<void> {
  for (const obligation of obligations) {
    const next = nextReminderFor(obligation, obligation.clockStartedAt, { now });
    const isMoved =
      next.nextReminderAt?.getTime() !== obligation.nextReminderAt?.getTime() ||
      next.nextReminderSlot !== obligation.nextReminderSlot;
    if (isMoved) await setNextReminder(tx, obligation.id, next);
  }
}
