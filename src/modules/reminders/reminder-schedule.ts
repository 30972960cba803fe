// The stored next reminder of an obligation (nextReminderAt, nextReminderSlot): computed by the
// pure functions below wherever an obligation's dueAt or status changes, so the sweep reads only
// the rows whose reminder is due (STYLE.md habit 5).
import type { DbOrTx } from "../../db/client.js";
import { termsOf } from "../obligations/obligation-deadline.js";
import { nextReminder, type ReminderCursor } from "./reminder-policy.js";

export interface StoredNextReminder {
  nextReminderAt: Date | null;
  nextReminderSlot: string | null;
}

const NONE: StoredNextReminder = { nextReminderAt: null, nextReminderSlot: null };

/** When the obligation's clock started: the incident's (effective) event of its trigger code, or null. */
export function clockStartOf(obligation: { terms: string }, events: { code: string; at: Date }[]): Date | null {
  const code = termsOf(obligation).trigger.code;
  return events.find((e) => e.code === code)?.at ?? null;
}

/**
 * The next reminder to store for an obligation: none unless it is pending with a due instant;
 * else nextReminder of its window (clock start to dueAt) from the cursor. Pure.
 */
export function nextReminderFor(
  obligation: { status: string; dueAt: Date | null },
  clockStart: Date | null,
  cursor: ReminderCursor,
): StoredNextReminder {
  if (obligation.status !== "pending" || !obligation.dueAt) return NONE;
  const next = nextReminder({ startAt: clockStart, dueAt: obligation.dueAt }, cursor);
  return next ? { nextReminderAt: next.at, nextReminderSlot: next.slot } : NONE;
}

/** nextReminderFor with the clock start found in the incident's effective events: the fields to write. */
export function reminderFieldsOf(
  obligation: { terms: string; status: string; dueAt: Date | null },
  events: { code: string; at: Date }[],
  now: Date | null,
): StoredNextReminder {
  return nextReminderFor(obligation, clockStartOf(obligation, events), { now });
}

/**
 * Stores an obligation's next reminder (from its current terms, status and dueAt and the
 * incident's effective events), in the caller's transaction; writes only when it changed.
 * Call it after every change of dueAt or status. `now` null schedules from the first slot.
 */
export async function scheduleNextReminder(
  db: DbOrTx,
  obligation: {
    id: string;
    terms: string;
    status: string;
    dueAt: Date | null;
    nextReminderAt: Date | null;
    nextReminderSlot: string | null;
  },
  events: { code: string; at: Date }[],
  now: Date | null,
): Promise<StoredNextReminder> {
  const fields = reminderFieldsOf(obligation, events, now);
  const isSame =
    fields.nextReminderAt?.getTime() === obligation.nextReminderAt?.getTime() &&
    fields.nextReminderSlot === obligation.nextReminderSlot;
  if (!isSame) await db.obligation.update({ where: { id: obligation.id }, data: fields });
  return fields;
}
