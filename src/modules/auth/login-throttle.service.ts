import type { Deps } from "../../deps.js";
import { clearThrottle } from "./login-throttle.repository.js";

/**
 * Lifts every sign-in lock and delay on an account: a successful password reset proves the
 * owner holds the mailbox, so what an attacker's wrong guesses built up no longer applies.
 */
export async function clearLoginLocks(deps: Deps, email: string): Promise<void> {
  await clearThrottle(deps.db.prisma, `account:${email}`);
}
