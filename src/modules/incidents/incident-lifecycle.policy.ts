/**
 * The incident lifecycle: statuses and the one table of allowed transitions, with what each
 * transition needs. Pure: the service supplies the facts, this decides.
 */
export const incidentStatuses = [
  "detected",
  "investigating",
  "contained",
  "assessing",
  "notifying",
  "closed",
  "closed_not_notifiable",
] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

export const statusLabels: Record<IncidentStatus, string> = {
  detected: "Detected",
  investigating: "Investigating",
  contained: "Contained",
  assessing: "Assessing",
  notifying: "Notifying",
  closed: "Closed",
  closed_not_notifiable: "Closed: not notifiable",
};

export const openStatuses: IncidentStatus[] = ["detected", "investigating", "contained", "assessing", "notifying"];

/** What a transition asks the manager for. */
export type Requirement = "containedAt" | "reason" | "notifiableDecision" | "notNotifiableDecision";

export interface Transition {
  from: IncidentStatus;
  to: IncidentStatus;
  /** The button's words. */
  label: string;
  needs: Requirement[];
  /** The kind of the timeline event the transition writes. */
  eventKind: "containment" | "decision" | "note";
}

const beforeDecision: IncidentStatus[] = ["detected", "investigating", "contained", "assessing"];

const transitions: Transition[] = [
  { from: "detected", to: "investigating", label: "Start investigating", needs: [], eventKind: "note" },
  // The work can run ahead of the status: an assessment recorded, a campaign started (issue 13).
  { from: "detected", to: "assessing", label: "Start the assessment", needs: [], eventKind: "note" },
  { from: "detected", to: "contained", label: "Mark contained", needs: ["containedAt"], eventKind: "containment" },
  { from: "investigating", to: "contained", label: "Mark contained", needs: ["containedAt"], eventKind: "containment" },
  { from: "investigating", to: "assessing", label: "Start the assessment", needs: [], eventKind: "note" },
  { from: "contained", to: "assessing", label: "Start the assessment", needs: [], eventKind: "note" },
  { from: "contained", to: "investigating", label: "Back to investigating", needs: ["reason"], eventKind: "note" },
  { from: "assessing", to: "investigating", label: "Back to investigating", needs: ["reason"], eventKind: "note" },
  ...(["detected", "investigating", "contained", "assessing"] as const).map(
    (from): Transition => ({
      from,
      to: "notifying",
      label: "Start notifying",
      needs: ["notifiableDecision"],
      eventKind: "decision",
    }),
  ),
  ...beforeDecision.map(
    (from): Transition => ({
      from,
      to: "closed_not_notifiable",
      label: "Close: not notifiable",
      needs: ["notNotifiableDecision"],
      eventKind: "decision",
    }),
  ),
  { from: "notifying", to: "closed", label: "Close", needs: [], eventKind: "note" },
  { from: "closed", to: "investigating", label: "Reopen", needs: ["reason"], eventKind: "note" },
  { from: "closed_not_notifiable", to: "investigating", label: "Reopen", needs: ["reason"], eventKind: "note" },
];

/** The transitions open to an incident in this status, in the order to offer them. */
export function allowedTransitions(status: IncidentStatus): Transition[] {
  return transitions.filter((t) => t.from === status);
}

/** The facts a transition is judged on. */
export interface TransitionFacts {
  /** Whether the form gave a containment instant, or the incident already has one. */
  hasContainedAt: boolean;
  reason: string;
  /** The latest recorded decision, if any. */
  latestDecision: { isNotifiable: boolean } | null;
}

/**
 * Checks a transition: returns the transition and an empty object when it may happen, or the
 * problems keyed by form field (`to` when the move itself is not allowed).
 */
export function checkTransition(
  from: IncidentStatus,
  to: string,
  facts: TransitionFacts,
): { transition: Transition | null; problems: Record<string, string> } {
  const transition = transitions.find((t) => t.from === from && t.to === to) ?? null;
  if (!transition) {
    const options = allowedTransitions(from).map((t) => statusLabels[t.to]);
    return {
      transition: null,
      problems: {
        to: `An incident that is ${statusLabels[from].toLowerCase()} cannot move to "${to}". It can move to: ${options.join(", ") || "nothing"}.`,
      },
    };
  }
  const problems: Record<string, string> = {};
  for (const need of transition.needs) {
    if (need === "containedAt" && !facts.hasContainedAt) problems.containedAt = "Enter when the breach was contained.";
    if (need === "reason" && facts.reason.trim() === "") problems.reason = "Say why, for the timeline.";
    if (need === "notifiableDecision" && facts.latestDecision?.isNotifiable !== true) {
      problems.to = "Record a decision that the breach is notifiable before notifying.";
    }
    if (need === "notNotifiableDecision" && facts.latestDecision?.isNotifiable !== false) {
      problems.to =
        "Record a decision that the breach is not notifiable, with its rationale, before closing it as not notifiable.";
    }
  }
  return { transition, problems };
}

/**
 * Whether the work may propose moving an incident to `to`: a transition from its status exists,
 * asks for nothing the manager must type (a reason, a containment instant) and its facts hold
 * (a notifiable decision before notifying), so accepting the proposal cannot be refused.
 */
export function canPropose(from: IncidentStatus, to: IncidentStatus, facts: Pick<TransitionFacts, "latestDecision">): boolean {
  const transition = transitions.find((t) => t.from === from && t.to === to);
  if (!transition || transition.needs.some((n) => n === "reason" || n === "containedAt")) return false;
  return Object.keys(checkTransition(from, to, { ...facts, hasContainedAt: false, reason: "" }).problems).length === 0;
}

/**
 * The transitions to offer a manager, each with why it cannot be taken yet (null when it can):
 * a move that needs a decision not recorded is shown with the reason instead of a button that
 * would be refused.
 */
export function offeredTransitions(
  from: IncidentStatus,
  facts: Pick<TransitionFacts, "latestDecision">,
): (Transition & { blockedBecause: string | null })[] {
  return allowedTransitions(from).map((t) => {
    const { problems } = checkTransition(from, t.to, { ...facts, hasContainedAt: true, reason: "given" });
    return { ...t, blockedBecause: problems.to ?? null };
  });
}
