// The organisation module's face: what the notices and campaigns modules, the API and tests may
// use. The wiring places import organisation.routes.ts directly. See README.md.

export { type OverrideInput, overrideSchema, type ProfileInput, profileSchema } from "./organisation.schemas.js";
export {
  loadApplicability,
  loadIncidentOrganisationPage,
  loadOrganisationFor,
  loadProfilePage,
  saveApplicability,
  saveIncidentOrganisation,
  saveProfile,
} from "./organisation.service.js";
export {
  type ApplicabilityValues,
  applicabilityJson,
  describeApplicability,
  ENTITY_TYPE_GROUPS,
  emptyApplicability,
  toApplicabilityProfile,
} from "./organisation-applicability.policy.js";
export { applicabilityBodySchema, applicabilityFormSchema } from "./organisation-applicability.schemas.js";
export {
  describeSender,
  domainOf,
  emptyProfile,
  fieldLabels,
  type NoticeSender,
  noticeSenderOf,
  type Organisation,
  type OrganisationPlaceholder,
  type OverrideValues,
  organisationPlaceholders,
  organisationPlaceholderValues,
  type ProfileValues,
  pinOrganisation,
  placeholderField,
  readPinnedOrganisation,
} from "./organisation-profile.policy.js";
export type { DomainFinding } from "./sender-domain.policy.js";
export { checkSenderDomain, checkSenderReadiness, type SenderReadiness } from "./sender-readiness.service.js";
