// The obligations module's face: what other modules may use. The wiring places import
// obligations.routes.ts and deadlines.section.ts directly.

export { effectiveClockEvents } from "./clock-events.policy.js";
export { recomputeObligationDeadlines } from "./clock-events.service.js";
export { listUrgentObligations } from "./deadlines-view.service.js";
export { termsOf } from "./obligation-deadline.policy.js";
export { type ChangedObligation, type ObligationEventMap, obligationEvents } from "./obligation-hooks.service.js";
