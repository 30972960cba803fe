import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { newSecretToken, sha256 } from "../../lib/ids.js";
import { hashPassword } from "../../lib/passwords.js";
import { parseInput } from "../../lib/validation.js";
import { type Actor, withAudit } from "../audit/index.js";
import { sendTokenMail, storeToken } from "./one-time-links.service.js";
import {
  consumeUserToken,
  deleteSessionsOfUser,
  findUserByEmail,
  findUserToken,
  retireUserTokens,
  type User,
  updateUser,
} from "./users.repository.js";
import { newPasswordSchema, normaliseEmail } from "./users.schemas.js";

// Setting a user's password: the reset link, the invitation or reset link used, and the command
// line's way back in. Sign-in locks are the auth module's: its password-set.service.ts calls
// these and then lifts them, so this module needs nothing above it.

/**
 * Starts a password reset: mails a one-time link when an active account has this address, and
 * does nothing otherwise, so the answer never tells whether an address has an account.
 */
export async function requestPasswordReset(deps: Deps, email: string, actor: Actor): Promise<void> {
  const user = await findUserByEmail(deps.db.prisma, email);
  if (!user || user.status !== "active") {
    deps.logger.info({ email }, "password reset asked for an unknown or inactive account");
    return;
  }
  const token = newSecretToken();
  await withAudit(deps.db, { ...actor, label: actor.label === "anonymous" ? email : actor.label }, deps.clock, async (tx) => {
    await retireUserTokens(tx, user.id, "reset", deps.clock.now());
    await storeToken(deps, tx, user.id, "reset", token);
    return { result: null, audit: { action: "user.password_reset_requested", entityType: "user", entityId: user.id } };
  });
  await sendTokenMail(deps, user, "reset", token, actor);
}

/** The user a one-time link belongs to, when the link is unused, unexpired and the account usable. */
export async function findUsableToken(deps: Deps, token: string) {
  const found = await findUserToken(deps.db.prisma, sha256(token));
  if (!found || found.usedAt || found.expiresAt <= deps.clock.now() || found.user.status === "deactivated") return null;
  return found;
}

/**
 * Sets a password through a one-time link: the link is consumed atomically (a second use
 * fails), an invited user becomes active, and every other session of the user ends.
 */
export async function setPasswordWithToken(deps: Deps, token: string, password: string, ip: string | null): Promise<User> {
  const found = await findUsableToken(deps, token);
  if (!found) throw new AppError("not_found", "This link has expired or was used already. Ask for a new one.");
  const passwordHash = await hashPassword(password);
  const actor: Actor = { userId: found.userId, label: found.user.email, ip };
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    if (!(await consumeUserToken(tx, found.id, deps.clock.now()))) {
      throw new AppError("not_found", "This link has expired or was used already. Ask for a new one.");
    }
    await deleteSessionsOfUser(tx, found.userId);
    const user = await updateUser(tx, found.userId, {
      passwordHash,
      passwordChangedAt: deps.clock.now(),
      status: found.user.status === "invited" ? "active" : found.user.status,
    });
    return {
      result: user,
      audit: {
        action: found.purpose === "invite" ? "user.invitation_accepted" : "user.password_reset",
        entityType: "user",
        entityId: user.id,
      },
    };
  });
}

/**
 * Sets a user's password from the command line, for an administrator who forgot theirs when no
 * SMTP relay can carry a reset link. Like a reset: unused links die, every session ends, and an
 * invited user becomes active. Audited.
 */
export async function setPasswordByEmail(deps: Deps, email: string, password: string, actor: Actor): Promise<User> {
  const checked = parseInput(newPasswordSchema, { password });
  const passwordHash = await hashPassword(checked.password);
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const user = await findUserByEmail(tx, normaliseEmail(email));
    if (!user) throw new AppError("not_found", `There is no user with the e-mail address ${normaliseEmail(email)}.`);
    if (user.status === "deactivated") {
      throw new AppError("conflict", `${user.email} is deactivated: an administrator must reactivate the account first.`);
    }
    const now = deps.clock.now();
    await retireUserTokens(tx, user.id, "invite", now);
    await retireUserTokens(tx, user.id, "reset", now);
    await deleteSessionsOfUser(tx, user.id);
    const changed = await updateUser(tx, user.id, { passwordHash, passwordChangedAt: now, status: "active" });
    return {
      result: changed,
      audit: {
        action: "user.password_set",
        entityType: "user",
        entityId: user.id,
        before: { status: user.status },
        after: { status: changed.status },
      },
    };
  });
}
