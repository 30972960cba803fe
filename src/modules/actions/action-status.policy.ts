import { DateTime } from "luxon";

export const actionStatuses = ["open", "in_progress", "done", "cancelled"] as const;
export type ActionStatus = (typeof actionStatuses)[number];

export const actionStatusLabels: Record<ActionStatus, string> = {
  open: "Open",
  in_progress: "In progress",
  done: "Done",
  cancelled: "Cancelled",
};

/** Statuses of actions still to be done: only these can be overdue. */
export const pendingStatuses: readonly ActionStatus[] = ["open", "in_progress"];

/** True for a real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && DateTime.fromISO(text, { zone: "utc" }).isValid;
}

/** An action is overdue once the end of its due day has passed while it is still open or in progress. */
export function isOverdue(action: { status: string; dueAt: Date | null }, now: Date): boolean {
  return (
    action.dueAt !== null && action.dueAt.getTime() < now.getTime() && pendingStatuses.includes(action.status as ActionStatus)
  );
}

/**
 * When an action was completed after a status change: now when it becomes done, the earlier
 * instant when it was done already, and none for any other status.
 */
export function completedAtAfter(previous: { status: string; completedAt: Date | null } | null, status: ActionStatus, now: Date) {
  if (status !== "done") return null;
  return previous?.status === "done" && previous.completedAt ? previous.completedAt : now;
}

/** Pending actions first, soonest due first (undated last); then finished ones, latest first. */
export function compareActions(
  a: { status: string; dueAt: Date | null; createdAt: Date; updatedAt: Date },
  b: { status: string; dueAt: Date | null; createdAt: Date; updatedAt: Date },
): number {
  const isPending = (x: { status: string }) => pendingStatuses.includes(x.status as ActionStatus);
  if (isPending(a) !== isPending(b)) return isPending(a) ? -1 : 1;
  if (!isPending(a)) return b.updatedAt.getTime() - a.updatedAt.getTime();
  const due = (x: { dueAt: Date | null }) => x.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return due(a) - due(b) || a.createdAt.getTime() - b.createdAt.getTime();
}
