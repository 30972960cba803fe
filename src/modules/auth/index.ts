// The auth module's face: what the command line uses to set a password (lifting the account's
// sign-in locks), the second factor's state for the account pages, and the REQUIRE_MFA gate. Auth sits above users: it signs users in and keeps the sign-in locks; users
// uses nothing of it. The wiring places import auth.routes.ts directly.

export { setPasswordFromCommandLine } from "./password-set.service.js";
export { loadSecondFactorState, type SecondFactorState } from "./two-factor.service.js";
export { secondFactorGate } from "./two-factor-gate.middleware.js";
