import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { type ApiTokenView, countLiveApiTokens, listApiTokensIssuedSince, revokeAllApiTokensOf } from "../api-tokens/index.js";
import { type Actor, withAudit } from "../audit/index.js";
import { loadSecondFactorState } from "../auth/index.js";
import { clearCalendarFeed } from "../reminders/index.js";
import { type CredentialsReview, findUser, type User } from "../users/index.js";

// The credential review: what a user was issued besides their password (API tokens, the
// calendar feed), for their own account page and for the administrators' user page. It sits
// here, above users, api-tokens and reminders, because it reads all three; the users module's
// pages reach it through the CredentialsReview that app.ts passes them.

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
  const user = await findUser(deps.db.prisma, userId);
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

/** How many of the user's API tokens work, whether they have a calendar feed, and their second factor. */
export async function countLiveCredentials(deps: Deps, user: User) {
  const twoFactor = await loadSecondFactorState(deps, user);
  return {
    apiTokens: await countLiveApiTokens(deps, user.id),
    hasCalendarFeed: user.calendarTokenHash !== null,
    twoFactor: { isOn: twoFactor.isOn, recoveryCodesLeft: twoFactor.recoveryCodesLeft },
  };
}

/**
 * Revokes all of a user's API tokens and their calendar feed in one audited change, for an
 * administrator who suspects someone else holds one: from now on each is refused.
 */
export async function revokeAllCredentials(deps: Deps, userId: string, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const user = await findUser(tx, userId);
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

/** The review as the users module's pages take it (wired in app.ts). */
export const credentialsReview: CredentialsReview = { countLive: countLiveCredentials, revokeAll: revokeAllCredentials };
