import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { parseInput } from "../../lib/validation.js";
import { type ApiTokenView, countLiveApiTokens, listApiTokensIssuedSince, revokeAllApiTokensOf } from "../api-tokens/index.js";
import { type Actor, withAudit } from "../audit/index.js";
import { clearLoginLocks, hashPassword } from "../auth/index.js";
import { clearCalendarFeed } from "../reminders/index.js";
import {
  deleteSessionsOfUser,
  findUserByEmail,
  findUserById,
  retireUserTokens,
  type User,
  updateUser,
} from "./users.repository.js";
import { newPasswordSchema, normaliseEmail } from "./users.schemas.js";

/**
 * Sets a user's password from the command line, for an administrator who forgot theirs when no
 * SMTP relay can carry a reset link. Like a reset: unused links die, every session ends, an
 * invited user becomes active, and the account's sign-in locks are lifted. Audited.
 */
export async function setPasswordByEmail(deps: Deps, email: string, password: string, actor: Actor): Promise<User> {
  const checked = parseInput(newPasswordSchema, { password });
  const passwordHash = await hashPassword(checked.password);
  const updated = await withAudit(deps.db, actor, deps.clock, async (tx) => {
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
  await clearLoginLocks(deps, updated.email);
  return updated;
}

export interface IssuedCredentials {
  /** The last password change; null when none is recorded, and then everything counts. */
  since: Date | null;
  /** API tokens created since then, revoked ones included, newest first. */
  tokens: ApiTokenView[];
  /** When the live calendar feed was issued, if it was since then (or at an unknown time). */
  calendarFeedIssuedAt: Date | "unknown" | null;
}

/**
 * What was issued on the account since its password last changed: a token or a calendar feed
 * its owner does not remember making is the sign that someone else got in.
 */
export async function listCredentialsIssuedSincePasswordChange(deps: Deps, userId: string): Promise<IssuedCredentials> {
  const user = await findUserById(deps.db.prisma, userId);
  if (!user) throw new AppError("not_found", "No such user.");
  const since = user.passwordChangedAt;
  const tokens = await listApiTokensIssuedSince(deps, user.id, since);
  let calendarFeedIssuedAt: IssuedCredentials["calendarFeedIssuedAt"] = null;
  if (user.calendarTokenHash !== null) {
    // A feed issued before its issue time was recorded may be anyone's: show it.
    if (user.calendarTokenCreatedAt === null) calendarFeedIssuedAt = "unknown";
    else if (since === null || user.calendarTokenCreatedAt >= since) calendarFeedIssuedAt = user.calendarTokenCreatedAt;
  }
  return { since, tokens, calendarFeedIssuedAt };
}

/** How many of the user's API tokens work, and whether they have a calendar feed. */
export async function countLiveCredentials(deps: Deps, user: User) {
  return {
    apiTokens: await countLiveApiTokens(deps, user.id),
    hasCalendarFeed: user.calendarTokenHash !== null,
  };
}

/**
 * Revokes all of a user's API tokens and their calendar feed in one audited change, for an
 * administrator who suspects someone else holds one: from now on each is refused.
 */
export async function revokeAllCredentials(deps: Deps, userId: string, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) throw new AppError("not_found", "No such user.");
    const now = deps.clock.now();
    const apiTokens = await revokeAllApiTokensOf(tx, user.id, now);
    const calendarFeed = user.calendarTokenHash !== null;
    if (apiTokens === 0 && !calendarFeed) {
      throw new AppError("conflict", `${user.name} has no working API token and no calendar feed: there is nothing to revoke.`);
    }
    if (calendarFeed) await clearCalendarFeed(tx, user.id, now);
    const counts = { apiTokensRevoked: apiTokens, calendarFeedRevoked: calendarFeed };
    return {
      result: { user, ...counts },
      audit: { action: "user.credentials_revoked", entityType: "user", entityId: user.id, after: counts },
    };
  });
}
