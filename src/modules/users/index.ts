// The users module's face: what other modules, app.ts, the API and the command line may use.
// Users is a lower layer: auth, api-tokens, reminders and account use it, and it uses none of
// them (its pages reach the credential review through the CredentialsReview app.ts passes in).
// The repository is the module's own: other modules read users through user-lookup.service.ts.
// The wiring places import users.routes.ts directly.

export { createSsoUser, findUserBySubject, linkSsoSubject, setRoleFromSso } from "./sso-accounts.service.js";
export { findUser, findUserWithEmail, hasUsers, listAdministrators, markSignedIn, type User } from "./user-lookup.service.js";
export { findUsableToken, requestPasswordReset, setPasswordByEmail, setPasswordWithToken } from "./user-passwords.service.js";
export {
  createUserSchema,
  emailField,
  forgotPasswordSchema,
  loginSchema,
  nameField,
  newPasswordSchema,
  normaliseEmail,
  type Role,
  setupSchema,
} from "./users.schemas.js";
export { createFirstAdmin, createUser, listUsersPage, serverZone, updateOwnAccount } from "./users.service.js";
export type { CredentialsReview } from "./users.types.js";
