import type { Database } from "../../db/client.js";
import { DEFAULT_MAX_ATTEMPTS, jobPayloadJson } from "../../jobs/index.js";
import { newId } from "../../lib/ids.js";
import type { Logger } from "../../lib/logger.js";
import { effectiveClockEvents } from "../obligations/index.js";
import { dueReminderAt, isWithinReach, reminderJobKey } from "./reminder.policy.js";
import { clockStartOf, nextReminderFor } from "./reminder-schedule.policy.js";
import { reminderSendJob } from "./reminder-send.job.js";
import { advanceReminders, type DueReminderRow, selectDueReminders } from "./reminder-sweep.sql.js";
import { CLOSED_INCIDENT_STATUSES, findClockStarts } from "./reminders.repository.js";
import type { ReminderSendPayload } from "./reminders.schemas.js";

/** Due rows read and handled per transaction; a sweep goes on while batches come back full. */
export const SWEEP_BATCH = 500;
/** At most this many batches per sweep: after long downtime the rest waits a minute, not a lock. */
const MAX_BATCHES = 20;
/** A reminder job is retried like any other job. */
const REMINDER_MAX_ATTEMPTS = reminderSendJob.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;

export interface SweepResult {
  /** Obligations whose stored next reminder was due. */
  candidates: number;
  /** Reminder jobs newly scheduled by this sweep. */
  enqueued: number;
  /** Slots passed over by this sweep, unsent, because a later one was due too (after downtime). */
  skipped: number;
}

interface Step {
  row: DueReminderRow;
  /** The reminder to schedule now, or null (the incident is closed, the deadline out of reach). */
  send: { key: string; payload: ReminderSendPayload; passedKeys: string[] } | null;
  next: { nextReminderAt: Date | null; nextReminderSlot: string | null };
}

/**
 * What to do with one due row: send the latest slot passed at `now` (normally the stored one;
 * after downtime a later one, the earlier being skipped), and store the first slot after now.
 */
function stepOf(row: DueReminderRow, now: Date, storedStart: Date | null): Step {
  // The start the obligations stored (a decision starts clocks too, which the row's incident
  // fields do not show); rows not recomputed since it was stored fall back to the incident's events.
  const startAt = storedStart ?? clockStartOf(row, effectiveClockEvents(row.incident, row.incident.clockEvents));
  if (!row.dueAt) return { row, send: null, next: { nextReminderAt: null, nextReminderSlot: null } };
  const window = { startAt, dueAt: row.dueAt };
  const due = dueReminderAt(window, now);
  const isOpen = !CLOSED_INCIDENT_STATUSES.includes(row.incident.status);
  const send =
    due && isOpen && isWithinReach(row.dueAt, now)
      ? {
          key: reminderJobKey(row.id, due.latest.slot),
          payload: { obligationId: row.id, slot: due.latest.slot, slotAt: due.latest.at.toISOString() },
          // The slots passed since the stored one (itself included): never sent, now never will be.
          passedKeys: due.passed
            .filter((r) => r.at.getTime() >= row.nextReminderAt.getTime())
            .map((r) => reminderJobKey(row.id, r.slot)),
        }
      : null;
  const next = nextReminderFor({ status: "pending", dueAt: row.dueAt }, startAt, { now, handled: due?.latest.slot });
  return { row, send, next };
}

/**
 * Schedules the reminders due now: reads the pending obligations whose stored next reminder
 * has come (only those rows, by index), and for each, in one transaction per batch, moves the
 * stored reminder on to the first slot after now (a guarded claim) and schedules the slot's job
 * under its unique key `reminder:<obligationId>:<slot>`, so any number of sweeps, processes and
 * restarts schedule a slot once. Only the latest passed slot of an obligation is scheduled:
 * slots passed while the app was down are skipped (not sent late), overdue days missed are not
 * back-filled, and the obligations of closed incidents move on without a reminder.
 */
export async function sweepReminders(db: Database, now: Date, logger?: Logger): Promise<SweepResult> {
  let candidates = 0;
  let enqueued = 0;
  const passedOver: string[] = [];
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const rows = await selectDueReminders(db, now, SWEEP_BATCH);
    candidates += rows.length;
    if (rows.length === 0) break;
    const starts = await findClockStarts(
      db.prisma,
      rows.map((row) => row.id),
    );
    const steps = rows.map((row) => stepOf(row, now, starts.get(row.id) ?? null));
    const scheduled = new Set(
      await advanceReminders(
        db,
        steps.map(({ row, send, next }) => ({
          obligationId: row.id,
          readNextReminderAt: row.nextReminderAt,
          ...next,
          job: send ? { id: newId(), key: send.key, payload: jobPayloadJson(reminderSendJob, send.payload) } : null,
        })),
        { kind: reminderSendJob.id, runAt: now, maxAttempts: REMINDER_MAX_ATTEMPTS, now },
      ),
    );
    enqueued += scheduled.size;
    for (const { send } of steps) if (send && scheduled.has(send.key)) passedOver.push(...send.passedKeys);
    if (rows.length < SWEEP_BATCH) break;
  }
  // Only after downtime (or a late-applied obligation) are slots passed over unsent: they are
  // counted and logged here, never scheduled.
  if (passedOver.length > 0)
    logger?.info({ skipped: passedOver.slice(0, 50) }, "earlier reminders passed over: a later one is due");
  if (enqueued > 0) logger?.info({ candidates, enqueued }, "reminders scheduled");
  return { candidates, enqueued, skipped: passedOver.length };
}
