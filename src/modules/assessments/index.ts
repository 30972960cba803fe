// The assessments module's face: what other modules may use. The wiring places import
// assessments.routes.ts and assessments.section.ts directly.

export { type AssessmentEventMap, assessmentEvents } from "./assessment-hooks.service.js";
export { type DecisionFacts, loadDecisionFacts } from "./assessments-facts.service.js";
export { loadDecisionsForRegister, type RegisterAssessment, type RegisterDecision } from "./assessments-register.service.js";
