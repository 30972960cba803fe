// When to remind people of a deadline: pure arithmetic on instants, no clock, no database.
// Offsets scale with the clock's window, so a 72-hour GDPR clock and a 30-day OAIC clock are
// reminded at the same fractions of their windows but with a different "hours before".

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** At most this many daily reminders once a deadline has passed: after two weeks people know. */
export const MAX_OVERDUE_REMINDERS = 14;
/** Two reminders closer than this are one too many: the earlier is dropped. */
export const MIN_GAP_MS = HOUR_MS;
/**
 * No reminder earlier than this before the deadline (a clock of several months would otherwise
 * be reminded months ahead, which nobody acts on).
 */
export const MAX_LEAD_MS = 30 * DAY_MS;
/**
 * A passed reminder is still sent this long after its deadline, not later: the last overdue
 * reminder, plus a day of slack (an obligation applied, or a sweep resumed, after that sends none).
 */
export const MAX_OVERDUE_MS = (MAX_OVERDUE_REMINDERS + 1) * DAY_MS;

export type ReminderSlot = "half" | "three-quarters" | "hours-before" | "due" | `overdue-${number}`;

export interface Reminder {
  /** Stable per deadline: part of the job key, so each slot is sent once. */
  slot: ReminderSlot;
  at: Date;
}

export interface DeadlineWindow {
  /** When the clock started (the trigger event), or null when unknown: fractions are then skipped. */
  startAt: Date | null;
  dueAt: Date;
}

/**
 * How long before the deadline the "hours-before" reminder comes: a day for clocks of a week
 * or more, six hours for clocks of two days or more (a 72-hour clock), two hours for shorter
 * ones, and one hour under twelve hours.
 */
export function hoursBeforeMs(windowMs: number | null): number {
  if (windowMs === null || windowMs >= 7 * DAY_MS) return DAY_MS;
  if (windowMs >= 2 * DAY_MS) return 6 * HOUR_MS;
  if (windowMs >= 12 * HOUR_MS) return 2 * HOUR_MS;
  return HOUR_MS;
}

/**
 * Every reminder of a deadline in time order: half and three quarters of the window, some
 * hours before, at the deadline, then daily while overdue; never before the clock started,
 * never more than MAX_LEAD_MS ahead, at most MAX_OVERDUE_REMINDERS overdue, and never two
 * within MIN_GAP_MS (the earlier one is dropped).
 */
export function remindersFor(window: DeadlineWindow): Reminder[] {
  const due = window.dueAt.getTime();
  const start = window.startAt?.getTime() ?? null;
  const windowMs = start !== null && start < due ? due - start : null;
  const candidates: Reminder[] = [];
  if (windowMs !== null && start !== null) {
    candidates.push({ slot: "half", at: new Date(start + Math.round(windowMs / 2)) });
    candidates.push({ slot: "three-quarters", at: new Date(start + Math.round((windowMs * 3) / 4)) });
  }
  candidates.push({ slot: "hours-before", at: new Date(due - hoursBeforeMs(windowMs)) });
  candidates.push({ slot: "due", at: new Date(due) });
  for (let n = 1; n <= MAX_OVERDUE_REMINDERS; n++) candidates.push({ slot: `overdue-${n}`, at: new Date(due + n * DAY_MS) });

  const allowed = candidates
    .filter((r) => {
      const at = r.at.getTime();
      if (start !== null && at < start) return false;
      return at >= due - MAX_LEAD_MS;
    })
    // Stable sort: on a short clock "hours-before" can come before "three-quarters".
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  // Walk back from the last reminder, keeping one only when it is far enough before the next kept one.
  const kept: Reminder[] = [];
  for (let i = allowed.length - 1; i >= 0; i--) {
    const reminder = allowed[i]!;
    const next = kept[0];
    if (next && next.at.getTime() - reminder.at.getTime() < MIN_GAP_MS) continue;
    kept.unshift(reminder);
  }
  return kept;
}

export interface DueReminder {
  /** The reminder to send now: the latest whose instant has passed. */
  latest: Reminder;
  /** Earlier reminders that have also passed; with `latest` sent, these are skipped, not sent late. */
  passed: Reminder[];
}

/**
 * The reminder due at `now`: the latest one whose instant is not after now, with the earlier
 * ones it supersedes; null when none has come yet. Sending only the latest is what keeps a
 * restart after downtime from sending a burst of stale reminders, and overdue days missed
 * while down are not back-filled.
 */
export function dueReminderAt(window: DeadlineWindow, now: Date): DueReminder | null {
  const passed = remindersFor(window).filter((r) => r.at.getTime() <= now.getTime());
  const latest = passed.pop();
  return latest ? { latest, passed } : null;
}

/** The job key of one reminder slot of one obligation: unique, so it is scheduled once. */
export function reminderJobKey(obligationId: string, slot: ReminderSlot): string {
  return `reminder:${obligationId}:${slot}`;
}

/** Whether a deadline is still recent enough at `now` for a passed reminder to be sent at all. */
export function isWithinReach(dueAt: Date, now: Date): boolean {
  return dueAt.getTime() >= now.getTime() - MAX_OVERDUE_MS;
}

export interface ReminderCursor {
  /** The sweep's instant, or null when scheduling from the start of the deadline (no clock at hand). */
  now: Date | null;
  /** The slot just handled at `now`: the next is a later slot, after now. */
  handled?: ReminderSlot;
}

/**
 * The reminder to store as an obligation's next, within the caps of remindersFor:
 * - after a handled slot: the first later slot whose instant is after now (slots passed while
 *   the app was down are skipped, never sent late);
 * - when (re)scheduling at now: the latest slot already passed, while the deadline is within
 *   MAX_OVERDUE_MS (the sweep then sends it, or finds its job key taken), else the first slot
 *   after now;
 * - without a clock: the first slot (the sweep moves on from there).
 * Null when no reminder is left.
 */
export function nextReminder(window: DeadlineWindow, cursor: ReminderCursor): Reminder | null {
  const reminders = remindersFor(window);
  const now = cursor.now?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (cursor.handled !== undefined) {
    const index = reminders.findIndex((r) => r.slot === cursor.handled);
    return reminders.slice(index + 1).find((r) => r.at.getTime() > now) ?? null;
  }
  if (cursor.now !== null && isWithinReach(window.dueAt, cursor.now)) {
    const latest = dueReminderAt(window, cursor.now)?.latest;
    if (latest) return latest;
  }
  return reminders.find((r) => r.at.getTime() > now) ?? null;
}
