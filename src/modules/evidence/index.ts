// The evidence module's face: what the API and the tests may use. The wiring places import
// evidence.routes.ts, evidence.section.ts and evidenceUploadBody. See README.md.

export { sendEvidenceFile } from "./evidence.handlers.js";
export { evidenceDeleteSchema, evidenceUploadSchema } from "./evidence.schemas.js";
export {
  discardReceivedEvidence,
  type EvidenceFileView,
  evidenceStorageOf,
  listEvidenceFiles,
  recordEvidenceFile,
} from "./evidence.service.js";
export {
  describeLimit,
  EvidenceTooLargeError,
  type LinkKind,
  linkKindLabels,
  safeFileName,
  tooLargeMessage,
} from "./evidence-file.policy.js";
export {
  countKeptEvidenceFiles,
  markEvidenceFilesRemovedByPurge,
  PURGED_FILE_REASON,
  removeEvidenceBytesForPurge,
} from "./evidence-purge.service.js";
export type { EvidenceStorage, StoredObject } from "./evidence-storage.types.js";
export { evidenceUploadBody, readEvidenceUpload } from "./evidence-upload.middleware.js";
