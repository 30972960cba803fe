import type { DeliveryCounts } from "./campaigns.repository.js";

/** The deadline a campaign races: the earliest pending obligation that notifies individuals. */
export interface IndividualsDeadline {
  ruleId: string;
  /** What the obligation is, e.g. "Notify affected individuals". */
  obligation: string;
  dueAt: Date;
  /** The zone the deadline is counted in. */
  zone: string;
}

/**
 * The earliest due instant among pending obligations whose copied terms notify individuals;
 * null when none has one (none applies, or the law sets no fixed instant). Unreadable terms
 * are skipped.
 */
export function individualsDeadlineOf(
  obligations: { ruleId: string; terms: string; dueAt: Date | null; zone: string }[],
): IndividualsDeadline | null {
  let earliest: IndividualsDeadline | null = null;
  for (const o of obligations) {
    if (!o.dueAt) continue;
    let terms: { notify?: unknown; obligation?: unknown };
    try {
      terms = JSON.parse(o.terms);
    } catch {
      continue;
    }
    if (terms.notify !== "individuals") continue;
    if (earliest && earliest.dueAt.getTime() <= o.dueAt.getTime()) continue;
    const obligation = typeof terms.obligation === "string" ? terms.obligation : o.ruleId;
    earliest = { ruleId: o.ruleId, obligation, dueAt: o.dueAt, zone: o.zone };
  }
  return earliest;
}

export interface ProgressInput {
  counts: DeliveryCounts;
  /** Notices sent in the last `windowMs`, for the current rate. */
  sentInWindow: number;
  windowMs: number;
  now: Date;
  /** Only a sending campaign has a rate and a finish estimate. */
  isSending: boolean;
  deadline: IndividualsDeadline | null;
}

export interface Progress {
  /** Queued or in flight. */
  toSend: number;
  /** Every other delivery: sent, failed, bounced, excluded, cancelled, told another way. */
  settled: number;
  /** Whole percent of deliveries settled. */
  percentSettled: number;
  /** Notices a minute over the window; null when none was sent in it. */
  perMinute: number | null;
  timeLeftMs: number | null;
  finishAt: Date | null;
  deadline: (IndividualsDeadline & { isPassed: boolean; marginMs: number | null }) | null;
}

/**
 * Where a campaign stands: what is left, the rate over the last window, the time left at that
 * rate and the finish it gives, against the deadline (margin positive: that long before it).
 * Pure, for the campaign page and its test.
 */
export function computeProgress(input: ProgressInput): Progress {
  const { counts, now } = input;
  const toSend = counts.queued + counts.sending;
  const settled = counts.total - toSend;
  const perMinute = input.sentInWindow > 0 ? (input.sentInWindow * 60_000) / input.windowMs : null;
  const timeLeftMs = input.isSending && perMinute ? Math.ceil((toSend / perMinute) * 60_000) : null;
  const finishAt = timeLeftMs === null ? null : new Date(now.getTime() + timeLeftMs);
  const deadline = input.deadline
    ? {
        ...input.deadline,
        isPassed: input.deadline.dueAt.getTime() < now.getTime(),
        marginMs: finishAt ? input.deadline.dueAt.getTime() - finishAt.getTime() : null,
      }
    : null;
  return {
    toSend,
    settled,
    percentSettled: counts.total ? Math.floor((settled * 100) / counts.total) : 0,
    perMinute,
    timeLeftMs,
    finishAt,
    deadline,
  };
}
