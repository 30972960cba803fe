// The bounces module's face: what app.ts and the ledger use. The wiring places import
// bounces.routes.ts and the *.job.ts files directly.

export { dsnUploadBody } from "./dsn-upload.middleware.js";
export { suppressionsByAddress } from "./suppressions.service.js";
