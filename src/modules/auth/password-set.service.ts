import type { Deps } from "../../deps.js";
import type { Actor } from "../audit/index.js";
import { setPasswordByEmail, setPasswordWithToken, type User } from "../users/index.js";
import { clearLoginLocks } from "./login-throttle.service.js";

// A new password lifts the account's sign-in locks: the users module sets the password, and this
// module, which keeps the locks, lifts them after it (users is the lower layer and knows no locks).

/**
 * Sets a password through a one-time link (see the users module's setPasswordWithToken), then
 * lifts the account's sign-in locks: holding the link proves the mailbox, so wrong guesses piled
 * up by someone else no longer apply.
 */
export async function setPasswordThroughLink(deps: Deps, token: string, password: string, ip: string | null): Promise<User> {
  const user = await setPasswordWithToken(deps, token, password, ip);
  await clearLoginLocks(deps, user.email);
  return user;
}

/**
 * Sets a user's password from the command line (see the users module's setPasswordByEmail),
 * then lifts the account's sign-in locks, as a reset does.
 */
export async function setPasswordFromCommandLine(deps: Deps, email: string, password: string, actor: Actor): Promise<User> {
  const user = await setPasswordByEmail(deps, email, password, actor);
  await clearLoginLocks(deps, user.email);
  return user;
}
