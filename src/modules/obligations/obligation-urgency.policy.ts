// How urgent an obligation is, in words and in order: pure, with "now" passed in.

export const OBLIGATION_STATUSES = ["pending", "met", "not_required", "late"] as const;
export type ObligationStatus = (typeof OBLIGATION_STATUSES)[number];

/** Statuses still waiting for something to be done: a late obligation is still outstanding. */
export const OUTSTANDING_STATUSES: ObligationStatus[] = ["pending", "late"];

export const obligationStatusLabels: Record<ObligationStatus, string> = {
  pending: "Pending",
  met: "Met",
  not_required: "Not required",
  late: "Late",
};

export interface TimeLeft {
  isOverdue: boolean;
  /** "2 days 4 hours left", or "OVERDUE by 5 hours": never colour alone. */
  text: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** A span in words, at most two units: "2 days 4 hours", "3 hours 20 minutes", "less than a minute". */
export function describeSpan(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours ? `${plural(days, "day")} ${plural(hours, "hour")}` : plural(days, "day");
  if (hours > 0) return mins ? `${plural(hours, "hour")} ${plural(mins, "minute")}` : plural(hours, "hour");
  return mins > 0 ? plural(mins, "minute") : "less than a minute";
}

/** The time left until an instant at `now`, or how long it is overdue; due exactly now is overdue. */
export function describeTimeLeft(dueAt: Date, now: Date): TimeLeft {
  const ms = dueAt.getTime() - now.getTime();
  if (ms <= 0) return { isOverdue: true, text: `OVERDUE by ${describeSpan(ms)}` };
  return { isOverdue: false, text: `${describeSpan(ms)} left` };
}

export interface Urgency {
  status: string;
  /** The instant that matters: the due instant, or the guidance target of an asap rule. */
  urgentAt: Date | null;
}

function rank(item: Urgency, now: Date): number {
  if (!OUTSTANDING_STATUSES.includes(item.status as ObligationStatus)) return 3;
  if (item.urgentAt === null) return 2;
  return item.urgentAt.getTime() <= now.getTime() ? 0 : 1;
}

/**
 * Orders obligations by urgency: outstanding and overdue first (longest overdue first), then
 * outstanding by the nearest instant, then outstanding without an instant (clock not started,
 * or no fixed deadline), then those met or not required.
 */
export function compareUrgency(now: Date) {
  return (a: Urgency, b: Urgency): number => {
    const byRank = rank(a, now) - rank(b, now);
    if (byRank !== 0) return byRank;
    return (a.urgentAt?.getTime() ?? Number.POSITIVE_INFINITY) - (b.urgentAt?.getTime() ?? Number.POSITIVE_INFINITY) || 0;
  };
}
