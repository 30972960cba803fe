// The workspace module's face: the rules of the incident workspace's overview (what to do next).
// It reads no database: the overview's facts come from the sections (src/incident-sections.ts).

export {
  computeNextSteps,
  type NextSteps,
  type ObligationFact,
  type StageId,
  stageIds,
  stageLabels,
  type WorkspaceFacts,
} from "./next-steps.policy.js";
