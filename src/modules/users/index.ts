// The users module's face: what other modules, app.ts, the API and the command line may use.
// The repository is the module's own: other modules read users through user-lookup.service.ts.
// The wiring places import users.routes.ts directly.

export { listCredentialsIssuedSincePasswordChange, setPasswordByEmail } from "./user-credentials.service.js";
export { findUser, findUserWithEmail, hasUsers, listAdministrators, markSignedIn, type User } from "./user-lookup.service.js";
export {
  createUserSchema,
  forgotPasswordSchema,
  loginSchema,
  nameField,
  newPasswordSchema,
  normaliseEmail,
  type Role,
  setupSchema,
} from "./users.schemas.js";
export {
  createFirstAdmin,
  createUser,
  findUsableToken,
  listUsersPage,
  requestPasswordReset,
  setPasswordWithToken,
  updateOwnAccount,
} from "./users.service.js";
