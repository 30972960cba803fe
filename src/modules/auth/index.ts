// The auth module's face: what the users module uses to set passwords and lift sign-in locks.
// The wiring places import auth.routes.ts directly.

export { clearLoginLocks } from "./login-throttle.service.js";
export { hashPassword } from "./passwords.service.js";
