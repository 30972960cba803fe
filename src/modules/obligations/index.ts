// The obligations module's face: what other modules may use. The wiring places import
// obligations.routes.ts and deadlines.section.ts directly.

export { describeWaitingFor, effectiveClockEvents, INCIDENT_FIELD_EVENTS, labelOfTrigger } from "./clock-events.policy.js";
export { recomputeObligationDeadlines, recordClockEvent } from "./clock-events.service.js";
export { type DelayEventInput, delayEventSchema } from "./deadline-delay.schemas.js";
export { recordObligationDelay } from "./deadline-delay.service.js";
export {
  describeObligation,
  listUrgentObligations,
  loadDeadlineFacts,
  loadIncidentClocks,
  sortByUrgency,
} from "./deadlines-view.service.js";
export type { StatementWork } from "./obligation-closing.policy.js";
export {
  closeAssessmentWindows,
  closeByCoverage,
  closeByStatement,
  proposeClosureWhenDone,
} from "./obligation-closing.service.js";
export { termsOf } from "./obligation-deadline.policy.js";
export {
  type ChangedObligation,
  type CoverageReader,
  type ObligationEventMap,
  obligationEvents,
  useCoverageReader,
} from "./obligation-hooks.service.js";
export { removeObligation } from "./obligation-removal.service.js";
export { suggestForReference } from "./obligation-suggestions.service.js";
export { applySchema, clockEventSchema, statusSchema } from "./obligations.schemas.js";
export { applyObligations, changeObligationStatus } from "./obligations.service.js";
export { listMetRegulatorObligations, type MetRegulatorObligation } from "./obligations-register.service.js";
