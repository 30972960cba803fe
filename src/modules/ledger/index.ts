// The ledger module's face: what the API uses. The wiring places import ledger.routes.ts directly.

export { loadLedgerPage } from "./ledger.service.js";
