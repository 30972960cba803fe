// The data-categories module's face: what boot.ts, the notices and the people modules use. The
// repository is the module's own. The wiring places import the routes and the section directly.

export { type Sensitivity, sensitivityRank } from "./catalogue.policy.js";
export { ensureBuiltInCategories, isUniqueViolation, loadCatalogue } from "./data-categories.service.js";
export { loadIncidentData } from "./incident-data.service.js";
export { listDataKindsForRegister, type RegisterDataKind } from "./incident-data-register.service.js";
