/**
 * The retention rule of an incident's affected people's data, as pure functions: when the purge
 * is due, and which warning (14 or 3 days before) is due now. See README.md and decision 0025.
 */

const DAY_MS = 24 * 60 * 60_000;

/** The days before a purge the managers are e-mailed, each once per purge date. */
export const WARNING_DAYS = [14, 3] as const;
export type WarningDays = (typeof WARNING_DAYS)[number];

export const CLOSED_STATUSES = ["closed", "closed_not_notifiable"];

/** What the rule says about one incident now. */
export type RetentionState =
  | { kind: "open" }
  | { kind: "held"; reason: string }
  | { kind: "scheduled"; purgeAt: Date; isDue: boolean }
  | { kind: "purging" }
  | { kind: "purged"; at: Date | null };

export interface RetentionFacts {
  status: string;
  closedAt: Date | null;
  /** the incident's own number of days, or null for the default */
  daysAfterClose: number | null;
  defaultDays: number;
  isHeld: boolean;
  holdReason: string;
  purge: { status: string; finishedAt: Date | null } | null;
}

/** The days that apply: the incident's own, else the default. */
export function daysThatApply(facts: Pick<RetentionFacts, "daysAfterClose" | "defaultDays">): number {
  return facts.daysAfterClose ?? facts.defaultDays;
}

/** The instant the people's data is purged: closure plus the days (null while open). */
export function purgeDateOf(closedAt: Date | null, days: number): Date | null {
  return closedAt ? new Date(closedAt.getTime() + days * DAY_MS) : null;
}

/** Where the incident stands: purged, being purged, held, open (kept), or scheduled with its date. */
export function retentionStateOf(facts: RetentionFacts, now: Date): RetentionState {
  if (facts.purge?.status === "done") return { kind: "purged", at: facts.purge.finishedAt };
  if (facts.purge) return { kind: "purging" };
  if (facts.isHeld) return { kind: "held", reason: facts.holdReason };
  const purgeAt = CLOSED_STATUSES.includes(facts.status) ? purgeDateOf(facts.closedAt, daysThatApply(facts)) : null;
  if (!purgeAt) return { kind: "open" };
  return { kind: "scheduled", purgeAt, isDue: purgeAt.getTime() <= now.getTime() };
}

/**
 * The warning due now for a scheduled purge, if any: the nearest of 14 and 3 days before whose
 * instant has passed and that was not yet sent for this purge date. Only the nearest: a purge
 * found 2 days away warns once (3 days), not twice.
 */
export function warningDue(
  purgeAt: Date,
  now: Date,
  sent: { warned14For: Date | null; warned3For: Date | null },
): WarningDays | null {
  const left = purgeAt.getTime() - now.getTime();
  if (left <= 0) return null;
  const sentFor = (at: Date | null) => at !== null && at.getTime() === purgeAt.getTime();
  if (left <= 3 * DAY_MS) return sentFor(sent.warned3For) ? null : 3;
  if (left <= 14 * DAY_MS) return sentFor(sent.warned14For) ? null : 14;
  return null;
}
