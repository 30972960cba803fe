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
  /** Notices sent a minute lately (SentSamples, or the average since the start); null when unknown. */
  perMinute: number | null;
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
  /** Notices a minute, as given; null when unknown or none is being sent. */
  perMinute: number | null;
  timeLeftMs: number | null;
  finishAt: Date | null;
  deadline: (IndividualsDeadline & { isPassed: boolean; marginMs: number | null }) | null;
}

/**
 * Where a campaign stands: what is left, the time left at the rate given and the finish it gives,
 * against the deadline (margin positive: that long before it). Pure, for the campaign page and
 * its test.
 */
export function computeProgress(input: ProgressInput): Progress {
  const { counts, now } = input;
  const toSend = counts.queued + counts.sending;
  const settled = counts.total - toSend;
  const perMinute = input.perMinute && input.perMinute > 0 ? input.perMinute : null;
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

/**
 * Sent counts the campaign page has read, per campaign, to tell the current rate without
 * scanning the sent rows (measured: at 100,000 deliveries a count of those sent in the last
 * minute took most of the page's time on SQLite). The rate is taken against the oldest reading
 * between minSpanMs and maxSpanMs ago; each web process keeps its own readings, bounded.
 */
export class SentSamples {
  private readonly samples = new Map<string, { atMs: number; sent: number }[]>();

  constructor(
    private readonly minSpanMs = 15_000,
    private readonly maxSpanMs = 120_000,
    private readonly maxCampaigns = 500,
  ) {}

  /** Records a reading and returns the notices a minute since the reading it is measured against, or null. */
  rateOf(campaignId: string, atMs: number, sent: number): number | null {
    const kept = (this.samples.get(campaignId) ?? []).filter((s) => atMs - s.atMs <= this.maxSpanMs && s.sent <= sent);
    const base = kept.find((s) => atMs - s.atMs >= this.minSpanMs);
    if (kept.length === 0 || atMs - kept[kept.length - 1]!.atMs >= 1000) kept.push({ atMs, sent });
    this.samples.delete(campaignId);
    this.samples.set(campaignId, kept);
    if (this.samples.size > this.maxCampaigns) this.samples.delete(this.samples.keys().next().value!);
    return base ? ((sent - base.sent) * 60_000) / (atMs - base.atMs) : null;
  }
}
