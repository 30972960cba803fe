import type { Database } from "../../db/client.js";
import { enqueueJob } from "../../jobs/job.repository.js";
import type { Logger } from "../../lib/logger.js";
import { termsOf } from "../obligations/obligation-deadline.js";
import { dueReminderAt, MAX_LEAD_MS, MAX_OVERDUE_MS, type ReminderSlot, reminderJobKey } from "./reminder-policy.js";
import { findClockEventsOf, findExistingJobKeys, findObligationTerms, findReminderCandidates } from "./reminders.repository.js";

export const REMINDERS_SEND = "reminders.send";

export interface ReminderSendPayload {
  obligationId: string;
  slot: ReminderSlot;
  /** The slot's instant, for the log and the mail's wording. */
  slotAt: string;
}

export interface SweepResult {
  /** Obligations whose dueAt lies in the sweep's window. */
  candidates: number;
  /** Reminder jobs newly scheduled by this sweep. */
  enqueued: number;
  /** Earlier slots passed over because a later one was due too (after downtime). */
  skipped: number;
}

/**
 * Trigger code of each obligation's copied terms, keyed by id and valid while updatedAt is
 * unchanged: terms are large JSON, and re-reading them every minute for thousands of
 * obligations was most of the sweep's cost. Any change to an obligation bumps updatedAt.
 */
const triggerCodes = new Map<string, { updatedAt: number; code: string }>();
const TRIGGER_CACHE_LIMIT = 200_000;

async function triggerCodesOf(db: Database, obligations: { id: string; updatedAt: Date }[]): Promise<Map<string, string>> {
  const missing = obligations.filter((o) => triggerCodes.get(o.id)?.updatedAt !== o.updatedAt.getTime());
  if (missing.length > 0) {
    if (triggerCodes.size + missing.length > TRIGGER_CACHE_LIMIT) triggerCodes.clear();
    const stamps = new Map(missing.map((o) => [o.id, o.updatedAt.getTime()]));
    for (const row of await findObligationTerms(
      db.prisma,
      missing.map((o) => o.id),
    )) {
      triggerCodes.set(row.id, { updatedAt: stamps.get(row.id) ?? 0, code: termsOf(row).trigger.code });
    }
  }
  return new Map(obligations.map((o) => [o.id, triggerCodes.get(o.id)?.code ?? ""]));
}

/**
 * Schedules the reminder due now of every pending obligation of an open incident, each slot
 * under its unique key `reminder:<obligationId>:<slot>`, so any number of sweeps, processes
 * and restarts schedule a slot once. Only the latest passed slot of an obligation is
 * scheduled: slots passed over while the app was down are skipped (not sent late, not
 * recorded: the sweep never looks at a slot earlier than the latest, so nothing needs to
 * remember them), and overdue days missed are not back-filled.
 */
export async function sweepReminders(db: Database, now: Date, logger?: Logger): Promise<SweepResult> {
  const candidates = await findReminderCandidates(db.prisma, {
    from: new Date(now.getTime() - MAX_OVERDUE_MS),
    to: new Date(now.getTime() + MAX_LEAD_MS),
  });
  if (candidates.length === 0) return { candidates: 0, enqueued: 0, skipped: 0 };

  const codes = await triggerCodesOf(db, candidates);
  const incidentIds = [...new Set(candidates.map((c) => c.incidentId))];
  const starts = new Map<string, Date>();
  for (const event of await findClockEventsOf(db.prisma, incidentIds)) starts.set(`${event.incidentId} ${event.code}`, event.at);

  const due: { key: string; payload: ReminderSendPayload; passedKeys: string[] }[] = [];
  for (const c of candidates) {
    if (!c.dueAt) continue;
    const startAt = starts.get(`${c.incidentId} ${codes.get(c.id)}`) ?? null;
    const reminder = dueReminderAt({ startAt, dueAt: c.dueAt }, now);
    if (!reminder) continue;
    const { slot, at } = reminder.latest;
    due.push({
      key: reminderJobKey(c.id, slot),
      payload: { obligationId: c.id, slot, slotAt: at.toISOString() },
      passedKeys: reminder.passed.map((r) => reminderJobKey(c.id, r.slot)),
    });
  }
  const existing = await findExistingJobKeys(
    db.prisma,
    due.map((d) => d.key),
  );
  let enqueued = 0;
  const passedOver: string[] = [];
  for (const d of due) {
    if (existing.has(d.key)) continue;
    // A second sweep racing this one inserts nothing for the same key (ON CONFLICT DO NOTHING).
    if (await enqueueJob(db, db.prisma, { kind: REMINDERS_SEND, key: d.key, payload: d.payload, runAt: now, now })) {
      enqueued += 1;
      passedOver.push(...d.passedKeys);
    }
  }
  // Only after downtime (or a late-applied obligation) are earlier slots still unsent: they are
  // counted and logged here, never scheduled.
  const sentBefore = passedOver.length > 0 ? await findExistingJobKeys(db.prisma, passedOver) : new Set<string>();
  const skippedKeys = passedOver.filter((key) => !sentBefore.has(key));
  if (skippedKeys.length > 0)
    logger?.info({ skipped: skippedKeys.slice(0, 50) }, "earlier reminders passed over: a later one is due");
  if (enqueued > 0) logger?.info({ candidates: candidates.length, enqueued }, "reminders scheduled");
  return { candidates: candidates.length, enqueued, skipped: skippedKeys.length };
}
