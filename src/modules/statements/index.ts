// The statements module's face: what the API and tests may use. The wiring places import
// statements.routes.ts, statements.section.ts and statementsUploadBody. See README.md.

export { type MissingItem, missingItems, type StatementFields } from "./statement-draft.policy.js";
export { loadStatementExport, statementJson, statementPdfOf, statementTextOf } from "./statement-exports.service.js";
export { listIncidentStatements, type StatementRow } from "./statement-list.service.js";
export { listStatementsForNotices } from "./statement-notice.service.js";
export { statementFieldsOf, statementKindOf } from "./statement-regimes.policy.js";
export { type AckFile, MAX_ACK_BYTES, markStatementSubmitted } from "./statement-submission.service.js";
export {
  createStatementSchema,
  type SaveStatementInput,
  type SubmitStatementInput,
  saveStatementSchema,
  submitStatementSchema,
} from "./statements.schemas.js";
export { createStatement, loadStatement, saveStatementVersion } from "./statements.service.js";
export { listSubmittedStatements, type SubmittedStatement } from "./statements-register.service.js";
export { statementsUploadBody } from "./statements-upload.middleware.js";
