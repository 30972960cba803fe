import type { Deps } from "../../deps.js";
import type { Actor } from "../audit/index.js";
import type { User } from "./users.repository.js";

/**
 * What the administrators' user page shows and does about a user's other credentials: their
 * API tokens and calendar feed. Those live in modules above users (api-tokens, reminders), so
 * the users module does not reach them: the account module's credential review implements this
 * and app.ts passes it to usersRoutes.
 */
export interface CredentialsReview {
  /** How many of the user's API tokens work, whether they have a calendar feed, and their second factor. */
  countLive(
    deps: Deps,
    user: User,
  ): Promise<{ apiTokens: number; hasCalendarFeed: boolean; twoFactor: { isOn: boolean; recoveryCodesLeft: number } }>;
  /** Revokes all of the user's API tokens and their calendar feed in one audited change. */
  revokeAll(
    deps: Deps,
    userId: string,
    actor: Actor,
  ): Promise<{ user: User; apiTokensRevoked: number; calendarFeedRevoked: boolean }>;
}
