// The ledger module's face: what the API, the command line and the wiring places use. The wiring
// places import ledger.routes.ts directly.

export { ledgerCsv, loadLedgerPage, loadLedgerSummary } from "./ledger.service.js";
export {
  type CoverageScope,
  formatShare,
  type IncidentCoverage,
  loadCoverageOfIncidents,
  loadIncidentCoverage,
} from "./ledger-coverage.service.js";
export { type LedgerEventMap, ledgerEvents } from "./ledger-hooks.service.js";
export { loadPeopleToTell, recordPeopleTold } from "./ledger-told.service.js";
export { lettersUploadBody } from "./ledger-upload.middleware.js";
export { type LettersOutcome, MAX_LETTERS_BYTES, recordLettersFile } from "./letters-upload.service.js";
