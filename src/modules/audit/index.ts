// The audit module's face: what other modules, the API, the command line and the entries may
// use. The repository, the chain's hashing and the anchor file are the module's own. The wiring
// places import audit.routes.ts and audit-anchor.job.ts directly.

export { type Actor, type AuditChange, recordAudit, systemActor, withAudit } from "./audit.service.js";
export {
  applyAuditKey,
  attachAuditKey,
  auditAnchorPath,
  auditKeyFilePath,
  loadOrCreateAuditKey,
  readAuditKey,
} from "./audit-key.service.js";
export { type AuditVerification, verifyAuditChain } from "./audit-verify.service.js";
export { type AuditPart, type AuditWords, describeAuditEntry } from "./audit-words.policy.js";
export { describeAuditEntries, loadIncidentAuditPage } from "./audit-words.service.js";
