// The stored next reminder of an obligation (nextReminderAt, nextReminderSlot): computed by the
// pure functions below wherever an obligation's dueAt or status changes, so the sweep reads only
// the rows whose reminder is due (STYLE.md habit 5).
import { termsOf } from "../obligations/index.js";
import { nextReminder, type ReminderCursor } from "./reminder.policy.js";

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

/**
 * nextReminderFor with the clock start found in the incident's effective events: the fields to
 * write with every change of an obligation's dueAt or status (apply, re-apply, recompute,
 * status). `now` null schedules from the first slot, for a caller without a clock.
 */
export function reminderFieldsOf(
  obligation: { terms: string; status: string; dueAt: Date | null },
  events: { code: string; at: Date }[],
  now: Date | null,
): StoredNextReminder {
  return nextReminderFor(obligation, clockStartOf(obligation, events), { now });
}
