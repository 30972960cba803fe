// The workspace module's face: the rules of the incident workspace's overview (what to do next,
// the progress line). It reads no database: the overview's facts come from the sections
// (src/incident-sections.ts).

export { computeNextSteps, type NextSteps } from "./next-steps.policy.js";
export { type StageId, stageIds, stageLabels } from "./progress-line.policy.js";
export type { ObligationFact, WorkspaceFacts } from "./workspace.types.js";
