// The evidence pack module's face: what the API, the command line and the tests use. The wiring
// places import evidence-pack.routes.ts. See README.md and decision 0024.

export { sendEvidencePack } from "./evidence-pack.handlers.js";
export { evidencePackApiSchema, evidencePackFormSchema } from "./evidence-pack.schemas.js";
export { buildEvidencePack, type PackOptions, type PackOutcome, packFileName } from "./evidence-pack.service.js";
export { loadOrCreatePackKey, type PackSigningKey, packKeyPath, readPackKey } from "./pack-key.service.js";
export { MANIFEST_FORMAT, type PackManifest, type PackProblem } from "./pack-manifest.policy.js";
export { type PackVerification, verifyPack } from "./pack-verify.service.js";
