// The people module's face: what other modules, app.ts, the worker's job registry, the API and
// the command line may use. The repositories and the import's SQL are the module's own. The
// wiring places import people.routes.ts, people.section.ts and the *.job.ts files directly.

export { describeEncoding } from "./encoding.service.js";
export { type ImportProgress, type ImportSummary, importPeopleFile } from "./import.service.js";
export { forgetImportFilesOfIncident, missingErrorReportMessage } from "./import-files.service.js";
export {
  assertNoActiveImport,
  type ImportIncident,
  type ImportRecord,
  listImportsOfIncident,
  loadImportOfIncident,
  mappingFromNamedColumns,
} from "./import-record.service.js";
export { listIncidentAttributeNames } from "./people-attributes.service.js";
export { peopleApiQuerySchema } from "./people-browse.schemas.js";
export {
  listPeople,
  loadIncidentCategories,
  loadPerson,
  resolvePeopleFilter,
  searchIncidentPeople,
  summarizeIncidentPeople,
} from "./people-browse.service.js";
export { peopleImportJob } from "./people-import.job.js";
export { startPeopleImport, uploadPeopleFile } from "./people-import.use-case.js";
export { countPeopleWithoutUsableEmail, listPeopleWithoutUsableEmail, type PersonWithoutEmail } from "./people-reach.service.js";
export { MAX_PEOPLE_UPLOAD_BYTES, peopleUploadBody, uploadDirectory } from "./people-upload.middleware.js";
export { deletePerson } from "./person-deletion.service.js";
export { APPLY_RISK_RULE_JOB, applyRiskRuleSoon, RISK_INLINE_LIMIT } from "./person-risk.job.js";
export { applyRiskRule, describeIncidentRiskRule, setImportRisk, setPersonRisk } from "./person-risk.service.js";
export { loadRiskPage } from "./person-risk-page.service.js";
export { normaliseLanguage } from "./person-row.policy.js";
export { type EmailProblem, emailProblemOf, parsePersonWarnings, warningMessages } from "./person-warnings.policy.js";
export { countryName, type PostalAddressParts, postalAddressLines } from "./postal-address.policy.js";
export { rejectedResolutionSchema } from "./rejected-rows.schemas.js";
export {
  countOutstandingRejectedRows,
  countOutstandingRejectedRowsOf,
  describeRejectedRows,
  importResultOf,
  listOutstandingRejections,
  listRejectedRows,
  type RejectedRowsOfImport,
  resolveRejectedRows,
} from "./rejected-rows.service.js";
