// The retention module's face: what the API, the command line and the tests may use. The wiring
// places import retention.routes.ts, retention.section.ts and retention.job.ts directly. See README.md.

export { normaliseAddress } from "./address-hash.service.js";
export { countsOf, PURGE_ACTION, type PurgeCounts, purgeIncident } from "./purge.service.js";
export { type RetentionState, retentionStateOf, warningDue } from "./retention.policy.js";
export { legalHoldSchema, lookupSchema, retentionRuleSchema } from "./retention.schemas.js";
export {
  type AddressLookup,
  loadRetention,
  lookupAddress,
  previewPurge,
  purgeNow,
  type RetentionRuleInput,
  setLegalHold,
  setRetentionRule,
} from "./retention.service.js";
