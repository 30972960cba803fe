// The organisation module's face: what the notices and campaigns modules, the API and tests may
// use. The wiring places import organisation.routes.ts directly. See README.md.

export { type OverrideInput, overrideSchema, type ProfileInput, profileSchema } from "./organisation.schemas.js";
export {
  loadIncidentOrganisationPage,
  loadOrganisationFor,
  loadProfilePage,
  saveIncidentOrganisation,
  saveProfile,
} from "./organisation.service.js";
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
