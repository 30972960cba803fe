/** The kinds of timeline events, in the order forms list them, with their labels. */
export const timelineKinds = {
  detection: "Detection",
  intrusion: "Intrusion step",
  evidence: "Evidence",
  containment: "Containment",
  decision: "Decision",
  communication: "Communication",
  remediation: "Remediation",
  note: "Note",
} as const;

export type TimelineKind = keyof typeof timelineKinds;
export const timelineKindIds = Object.keys(timelineKinds) as TimelineKind[];
