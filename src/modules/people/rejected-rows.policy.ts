/**
 * Rejected rows as people not imported (decision 0014): a rejected row is an affected person
 * whom no list holds, until a later import takes them (imported) or a manager says why there is
 * no one to import (dismissed); until then it is outstanding, and coverage cannot be complete.
 * A row with no values at all (empty_row) is no one and never outstanding. Pure.
 */

export const rejectedResolutions = ["imported", "dismissed"] as const;
export type RejectedResolution = (typeof rejectedResolutions)[number];

/** What of an import the rule reads. */
export interface RejectedRowsOf {
  status: string;
  rejected: number;
  /** JSON object text: reason -> count */
  reasons: string;
  rejectedResolution: string;
}

/** Statuses whose rejected rows are counted: every import that has read rows. */
const READ_STATUSES = ["running", "cancelling", "completed", "failed", "cancelled"];

/** How many rows of the import that reads the file are rejected and could be a person (not empty lines). */
export function rejectedPeopleOf(row: Pick<RejectedRowsOf, "rejected" | "reasons">): number {
  let empty = 0;
  try {
    const reasons = JSON.parse(row.reasons) as Record<string, unknown>;
    empty = typeof reasons.empty_row === "number" ? reasons.empty_row : 0;
  } catch {
    empty = 0;
  }
  return Math.max(0, row.rejected - empty);
}

/** The import's rejected rows that are still affected people not imported: none once resolved. */
export function outstandingRejectedOf(row: RejectedRowsOf): number {
  if (row.rejectedResolution !== "" || !READ_STATUSES.includes(row.status)) return 0;
  return rejectedPeopleOf(row);
}

/** Why a resolution cannot be recorded for the import, or null when it can. */
export function refusalToResolve(row: RejectedRowsOf): string | null {
  if (row.rejectedResolution !== "") return "The rejected rows of this import are already resolved.";
  if (["uploaded", "queued", "running", "cancelling"].includes(row.status)) {
    return "The import has not finished: resolve its rejected rows when it has.";
  }
  if (rejectedPeopleOf(row) === 0) return "This import has no rejected rows to resolve.";
  return null;
}
