// The facts the workspace's overview is computed from, as the sections describe them.

/** An obligation as the overview needs it (the deadlines section computes these). */
export interface ObligationFact {
  id: string;
  ruleId: string;
  /** What it requires, in the rule pack's words. */
  obligation: string;
  notify: "regulator" | "individuals" | "media" | "other";
  isOutstanding: boolean;
  /** The deadline, or the guidance target where the law sets none; null while the clock waits. */
  urgentAt: Date | null;
  isOverdue: boolean;
  /** "3 days 4 hours left", "overdue by 2 days"; null when there is no instant. */
  timeLeft: string | null;
  /**
   * What its clock waits for, when it has not started: the trigger code and its label, and the
   * recorded fact that starts it where one does (e.g. "the statement to the regulator marked
   * prepared"); without one, only a clock event starts it.
   */
  waitingFor: { code: string; label: string; startsFrom?: string | null } | null;
}

export interface WorkspaceFacts {
  /** The incident's status (detected, investigating, ..., closed, closed_not_notifiable). */
  status: string;
  hasAssessment: boolean;
  /** The current decision, or null when none is recorded. */
  decision: { isNotifiable: boolean } | null;
  obligations: ObligationFact[];
  peopleCount: number;
  noticeTemplateCount: number;
  /** The incident's campaigns, newest first. */
  campaigns: { id: string; name: string; status: string }[];
  overdueActionCount: number;
  /** Where the public report stands (modules/public-report); absent: not read. */
  publicReport?: { isPublished: boolean; version: number; hasDraft: boolean };
  /** The statuses the incident may move to now (incident-lifecycle.policy.ts). */
  nextStatuses: string[];
}
