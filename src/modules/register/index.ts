// The register module's face: what the API and tests may use. The wiring places import
// register.routes.ts directly. See README.md.

export { type RegisterFilter, registerFilterSchema } from "./register.schemas.js";
export { listRegister, listRegisterYears } from "./register.service.js";
export type { RegisterReader } from "./register-access.policy.js";
export type { RegisterEntry, RegulatorNotification } from "./register-entry.policy.js";
export { REGISTER_CSV_HEADER, registerCsv, registerEntryJson } from "./register-export.policy.js";
