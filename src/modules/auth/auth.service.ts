import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { timingDecoyHash, verifyPassword } from "../../lib/passwords.js";
import { type Actor, recordAudit, withAudit } from "../audit/index.js";
import { findUserWithEmail, markSignedIn, type User } from "../users/index.js";
import { addressKey } from "./login-throttle.policy.js";
import { assertMaySignIn, recordFailedSignIn, recordSuccessfulSignIn } from "./login-throttle.service.js";
import { isPasswordSignInAllowed } from "./oidc.policy.js";

/**
 * Sign-in attempts from one client address take turns: each is checked against the throttle
 * only once the one before it has counted its failure. Without turns, a burst of attempts sent
 * at once all passed the check before the first failure was recorded, and got that many
 * guesses. Turns are per web process (several processes on PostgreSQL each take one attempt of
 * a client at a time); a client with more than MAX_WAITING attempts waiting is refused outright.
 */
const turns = new Map<string, { tail: Promise<unknown>; waiting: number }>();
const MAX_WAITING = 20;

export async function inTurn<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const queue = turns.get(key) ?? { tail: Promise.resolve(), waiting: 0 };
  if (queue.waiting >= MAX_WAITING) {
    throw new AppError("rate_limited", "Too many sign-ins at once from your network address. Wait a minute and try again.");
  }
  queue.waiting++;
  turns.set(key, queue);
  const run = queue.tail.then(fn);
  queue.tail = run.catch(() => undefined);
  try {
    return await run;
  } finally {
    if (--queue.waiting === 0) turns.delete(key);
  }
}

/**
 * Checks an e-mail and password. Fails with one message whatever was wrong (no such account,
 * wrong password, deactivated), makes a client that failed too often wait (see
 * login-throttle.policy.ts), and records a failure in the audit log. A success signs no one in:
 * the caller completes the sign-in (completeSignIn) at once, or after the second factor.
 */
export function authenticate(deps: Deps, email: string, password: string, ip: string | null): Promise<User> {
  return inTurn(addressKey(ip), () => checkSignIn(deps, email, password, ip));
}

async function checkSignIn(deps: Deps, email: string, password: string, ip: string | null): Promise<User> {
  assertPasswordsAllowed(deps, email);
  await assertMaySignIn(deps, email, ip);
  const user = await findUserWithEmail(deps.db.prisma, email);
  const isValid = await verifyPassword(user?.passwordHash ?? (await timingDecoyHash), password);
  if (!user || !isValid || user.status !== "active") {
    await recordFailedSignIn(deps, email, ip);
    await deps.db.prisma.$transaction((tx) =>
      recordAudit(
        deps.db,
        tx,
        { userId: user?.id ?? null, label: email, ip },
        { action: "auth.login_failed", entityType: "user", entityId: user?.id ?? null },
        deps.clock,
      ),
    );
    throw new AppError("unauthenticated", "That e-mail address and password do not match an active account.");
  }
  // LOCAL_PASSWORDS=off: a break-glass address signs in with its password only as an administrator.
  if (deps.config.LOCAL_PASSWORDS === "off" && user.role !== "admin") assertPasswordsAllowed(deps, "");
  return user;
}

/** LOCAL_PASSWORDS=off refuses a password sign-in, whatever the password, to all but the break-glass administrators. */
export function assertPasswordsAllowed(deps: Deps, email: string): void {
  if (isPasswordSignInAllowed(deps.config, email)) return;
  throw new AppError(
    "unauthenticated",
    `Passwords are switched off here: use "Sign in with ${deps.config.OIDC_PROVIDER_NAME}". Only the administrators kept for emergencies sign in with a password.`,
  );
}

/**
 * Records a sign-in that passed every step: forgets this client's failures on the account,
 * notes the time on the user and audits it, saying which second factor was used, if any, and
 * "sso" for a single sign-on. The
 * failures are forgotten only now, so a client that knows the password but not the code
 * cannot wipe its wrong codes by entering the password again.
 */
export async function completeSignIn(
  deps: Deps,
  user: User,
  ip: string | null,
  secondFactor?: "code" | "recovery code" | "provider",
  via?: "sso",
): Promise<User> {
  await recordSuccessfulSignIn(deps, user.email, ip);
  const after = secondFactor || via ? { ...(secondFactor ? { secondFactor } : {}), ...(via ? { via } : {}) } : undefined;
  return withAudit(deps.db, { userId: user.id, label: user.email, ip }, deps.clock, async (tx) => ({
    result: await markSignedIn(tx, user.id, deps.clock.now()),
    audit: { action: "auth.login", entityType: "user", entityId: user.id, after },
  }));
}

/** Records a sign-out in the audit log. */
export async function recordLogout(deps: Deps, actor: Actor): Promise<void> {
  await deps.db.prisma.$transaction((tx) =>
    recordAudit(deps.db, tx, actor, { action: "auth.logout", entityType: "user", entityId: actor.userId }, deps.clock),
  );
}
