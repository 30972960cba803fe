import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, recordAudit, withAudit } from "../audit/audit.service.js";
import { findUserByEmail, type User, updateUser } from "../users/users.repository.js";
import { assertMaySignIn, recordFailedSignIn, recordSuccessfulSignIn } from "./login-throttle.service.js";
import { timingDecoyHash, verifyPassword } from "./passwords.js";

/**
 * Checks an e-mail and password. Fails with one message whatever was wrong (no such account,
 * wrong password, deactivated), makes a client that failed too often wait (see
 * login-throttle.policy.ts), and records both outcomes in the audit log.
 */
export async function authenticate(deps: Deps, email: string, password: string, ip: string | null): Promise<User> {
  await assertMaySignIn(deps, email, ip);
  const user = await findUserByEmail(deps.db.prisma, email);
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
  await recordSuccessfulSignIn(deps, email, ip);
  return withAudit(deps.db, { userId: user.id, label: user.email, ip }, deps.clock, async (tx) => ({
    result: await updateUser(tx, user.id, { lastLoginAt: deps.clock.now() }),
    audit: { action: "auth.login", entityType: "user", entityId: user.id },
  }));
}

/** Records a sign-out in the audit log. */
export async function recordLogout(deps: Deps, actor: Actor): Promise<void> {
  await deps.db.prisma.$transaction((tx) =>
    recordAudit(deps.db, tx, actor, { action: "auth.logout", entityType: "user", entityId: actor.userId }, deps.clock),
  );
}
