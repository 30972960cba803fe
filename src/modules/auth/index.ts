// The auth module's face: what the command line uses to set a password (lifting the account's
// sign-in locks). Auth sits above users: it signs users in and keeps the sign-in locks; users
// uses nothing of it. The wiring places import auth.routes.ts directly.

export { setPasswordFromCommandLine } from "./password-set.service.js";
