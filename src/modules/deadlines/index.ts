// The deadlines module's face: the rule pack, the trigger codes and the deadline arithmetic, for
// the obligations module and the `breachdesk deadlines` command. It has no routes or data.

export {
  type ApplicabilityAnswer,
  type ApplicabilityProfile,
  type Applies,
  assessApplicability,
  assessRules,
} from "./applicability.policy.js";
export {
  AU_SMALL_BUSINESS_EXCEPTIONS,
  DATA_ELEMENT_LIST,
  DATA_ELEMENTS,
  ENTITY_TYPE_LIST,
  ENTITY_TYPES,
  type EntityType,
  isDataElement,
  isEntityType,
} from "./applicability.schemas.js";
export { type ComputedDeadline, computeDeadline, type DeadlineOptions } from "./compute-deadline.policy.js";
export type { HolidayCalendar } from "./holiday-calendar.policy.js";
export { holidayCalendarOf } from "./holiday-places.policy.js";
export { findRule, type Rule, rulePack } from "./rule-pack.policy.js";
export { describeTrigger, isTriggerCode, TRIGGER_CODE_LIST, TRIGGER_CODES, type TriggerCode } from "./trigger-codes.policy.js";
