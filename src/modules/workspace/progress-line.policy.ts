// The overview's progress line: the stages from detection to closure, each done, current, to
// come or not needed, read from what is recorded rather than from the status. Pure.
import type { WorkspaceFacts } from "./workspace.types.js";

/** The stages from detection to closure, as the overview's progress line shows them. */
export const stageIds = ["detected", "assessing", "decision", "notifying", "closed"] as const;
export type StageId = (typeof stageIds)[number];

export const stageLabels: Record<StageId, string> = {
  detected: "Detected",
  assessing: "Assessing",
  decision: "Decision",
  notifying: "Notifying",
  closed: "Closed",
};

/** done: behind; current: the one being worked; todo: ahead; skipped: not needed (not notifiable). */
export type StageState = "done" | "current" | "todo" | "skipped";

const CLOSED = ["closed", "closed_not_notifiable"];

/** The progress line: each stage done, current, ahead or skipped, from what is recorded. */
export function stagesOf(facts: WorkspaceFacts): { id: StageId; label: string; state: StageState }[] {
  const isClosed = CLOSED.includes(facts.status);
  const isNotNotifiable = facts.status === "closed_not_notifiable" || facts.decision?.isNotifiable === false;
  const notices = facts.obligations.filter((o) => o.notify !== "other");
  const isNotified =
    facts.decision?.isNotifiable === true &&
    ((notices.length > 0 && notices.every((o) => !o.isOutstanding)) || facts.status === "notifying" || isClosed);
  const reached: Record<StageId, boolean> = {
    detected: true,
    assessing: facts.hasAssessment || facts.decision !== null || isClosed,
    decision: facts.decision !== null || isClosed,
    notifying: isNotified || (isClosed && !isNotNotifiable),
    closed: isClosed,
  };
  let isCurrentTaken = false;
  return stageIds.map((id) => {
    const label = stageLabels[id];
    if (id === "notifying" && isNotNotifiable) return { id, label, state: "skipped" as const };
    // "notifying" counts as reached while notices are still going out: it is then the current stage.
    const isDone = reached[id] && !(id === "notifying" && !isClosed && notices.some((o) => o.isOutstanding));
    if (isDone) return { id, label, state: "done" as const };
    if (isCurrentTaken) return { id, label, state: "todo" as const };
    isCurrentTaken = true;
    return { id, label, state: "current" as const };
  });
}
