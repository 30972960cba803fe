import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, recordAudit, withAudit } from "../audit/audit.service.js";
import { findUserByEmail, type User, updateUser } from "../users/users.repository.js";
import { clearThrottle, findThrottle, saveThrottle } from "./login-throttle.repository.js";
import { timingDecoyHash, verifyPassword } from "./passwords.js";

/** An address may fail this many times the per-account limit: an office behind one NAT. */
const ADDRESS_FACTOR = 5;

function throttleKeys(email: string, ip: string | null) {
  return { account: `account:${email}`, address: `address:${ip ?? "unknown"}` };
}

function minutesUntil(from: Date, to: Date): number {
  return Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 60_000));
}

/** Refuses a sign-in while the account or the address is locked, naming which and for how long. */
async function assertNotLocked(deps: Deps, email: string, ip: string | null) {
  const now = deps.clock.now();
  const keys = throttleKeys(email, ip);
  for (const [what, key] of [
    ["this account", keys.account],
    ["your network address", keys.address],
  ] as const) {
    const row = await findThrottle(deps.db.prisma, key);
    if (row?.lockedUntil && row.lockedUntil > now) {
      throw new AppError(
        "rate_limited",
        `Too many failed sign-ins for ${what}. Try again in ${minutesUntil(now, row.lockedUntil)} minutes, or reset your password.`,
      );
    }
  }
}

/** Counts one failure against a key within the window, locking the key when the limit is reached. */
async function countFailure(deps: Deps, key: string, limit: number) {
  const now = deps.clock.now();
  const windowMs = deps.config.LOGIN_WINDOW_MINUTES * 60_000;
  const row = await findThrottle(deps.db.prisma, key);
  const isFresh = !row || now.getTime() - row.windowStart.getTime() > windowMs;
  const failures = isFresh ? 1 : row.failures + 1;
  await saveThrottle(deps.db.prisma, key, {
    failures,
    windowStart: isFresh ? now : row.windowStart,
    lockedUntil: failures >= limit ? new Date(now.getTime() + windowMs) : null,
  });
}

/**
 * Checks an e-mail and password. Fails with one message whatever was wrong (no such account,
 * wrong password, deactivated), counts failures per account and per address, and records
 * both outcomes in the audit log.
 */
export async function authenticate(deps: Deps, email: string, password: string, ip: string | null): Promise<User> {
  await assertNotLocked(deps, email, ip);
  const user = await findUserByEmail(deps.db.prisma, email);
  const isValid = await verifyPassword(user?.passwordHash ?? (await timingDecoyHash), password);
  const keys = throttleKeys(email, ip);
  if (!user || !isValid || user.status !== "active") {
    await countFailure(deps, keys.account, deps.config.LOGIN_MAX_FAILURES);
    await countFailure(deps, keys.address, deps.config.LOGIN_MAX_FAILURES * ADDRESS_FACTOR);
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
  await clearThrottle(deps.db.prisma, keys.account);
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
