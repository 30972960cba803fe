import { randomBytes } from "node:crypto";
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { User } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId, sha256 } from "../../lib/ids.js";
import { endOfDayIn } from "../../lib/instants.js";
import { type Actor, withAudit } from "../audit/index.js";
import { findUser, findUserWithEmail } from "../users/index.js";
import {
  type ApiTokenView,
  countLiveApiTokensOfUser,
  findApiTokenByHash,
  findApiTokenById,
  insertApiToken,
  listApiTokensOfUser,
  listApiTokensOfUserSince,
  markApiTokenRevoked,
  revokeLiveApiTokensOfUser,
  touchApiToken,
} from "./api-tokens.repository.js";
import type { CreateApiTokenInput } from "./api-tokens.schemas.js";

/** Marks a Breachdesk token, so secret scanners and people recognise a leaked one. */
export const API_TOKEN_PREFIX = "bd_";
/** "bd_" and 32 random bytes in base64url (43 characters). */
const TOKEN_PATTERN = /^bd_[A-Za-z0-9_-]{43}$/;
const SHOWN_PREFIX_LENGTH = 10;
/** lastUsedAt is a hint for people, not a record: one write a minute per token is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type { ApiTokenView };

/** A new token, its SHA-256 (what is stored) and the prefix lists show. */
export function generateApiToken(): { token: string; tokenHash: string; prefix: string } {
  const token = API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, tokenHash: sha256(token), prefix: token.slice(0, SHOWN_PREFIX_LENGTH) };
}

/** What the audit log keeps of a token: never the token or its hash. */
function auditView(token: ApiTokenView, owner: User) {
  return {
    name: token.name,
    prefix: token.prefix,
    userId: owner.id,
    userEmail: owner.email,
    revokedAt: token.revokedAt,
    expiresAt: token.expiresAt,
    scope: token.scope,
  };
}

/**
 * Creates a token for an active user and returns it with its secret, which exists only in
 * this return value: the database keeps its SHA-256, so it can never be shown again.
 */
export async function createApiToken(
  deps: Deps,
  userId: string,
  input: CreateApiTokenInput,
  actor: Actor,
): Promise<{ token: string; apiToken: ApiTokenView }> {
  const secret = generateApiToken();
  const apiToken = await withAudit(deps.db, actor, deps.clock, async (tx) => {
    const owner = await findUser(tx, userId);
    if (!owner) throw new AppError("not_found", "No such user.");
    assertCanHoldTokens(owner);
    const expiresAt = input.expiresOn ? endOfDayIn(input.expiresOn, owner.timeZone) : null;
    if (expiresAt && expiresAt <= deps.clock.now()) {
      throw new AppError("validation", "The expiry date has passed: choose a later day, or leave it empty.", {
        expiresOn: "Choose a day from today on, or leave it empty.",
      });
    }
    const created = await insertApiToken(tx, {
      id: newId(),
      userId: owner.id,
      name: input.name,
      tokenHash: secret.tokenHash,
      prefix: secret.prefix,
      createdAt: deps.clock.now(),
      expiresAt,
      scope: input.scope ?? "full",
    });
    return {
      result: created,
      audit: { action: "api_token.create", entityType: "api_token", entityId: created.id, after: auditView(created, owner) },
    };
  });
  return { token: secret.token, apiToken };
}

/** Creates a token for the user with this e-mail address (the command line's way in). */
export async function createApiTokenForEmail(deps: Deps, email: string, input: CreateApiTokenInput, actor: Actor) {
  const owner = await findUserWithEmail(deps.db.prisma, email);
  if (!owner) throw new AppError("not_found", `There is no user with the e-mail address ${email}.`);
  assertCanHoldTokens(owner);
  return { owner, ...(await createApiToken(deps, owner.id, input, actor)) };
}

function assertCanHoldTokens(user: User): void {
  if (user.status === "deactivated") {
    throw new AppError("conflict", `${user.email} is deactivated: reactivate the account before giving it an API token.`);
  }
  if (user.status !== "active") {
    throw new AppError("conflict", `${user.email} has not accepted their invitation yet: API tokens are for active accounts.`);
  }
}

/** Whether a token may be used for a request of this method: a read-only token only reads. */
export function isAllowedByScope(token: Pick<ApiTokenView, "scope">, method: string): boolean {
  return token.scope !== "read_only" || method === "GET" || method === "HEAD";
}

/** A user's tokens (never their hashes), usable ones first. */
export function listUserApiTokens(deps: Deps, userId: string): Promise<ApiTokenView[]> {
  return listApiTokensOfUser(deps.db.prisma, userId);
}

/**
 * Revokes a token at once: its next request is refused. With ownerId, only that user's token
 * can be revoked, and another user's token is reported as missing rather than forbidden.
 */
export async function revokeApiToken(
  deps: Deps,
  tokenId: string,
  actor: Actor,
  scope: { ownerId?: string } = {},
): Promise<ApiTokenView> {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const token = await findApiTokenById(tx, tokenId);
    if (!token || (scope.ownerId !== undefined && token.userId !== scope.ownerId)) {
      throw new AppError("not_found", "There is no such API token.");
    }
    const owner = await findUser(tx, token.userId);
    if (!owner) throw new AppError("not_found", "There is no such API token.");
    const at = deps.clock.now();
    if (!(await markApiTokenRevoked(tx, token.id, at)))
      throw new AppError("conflict", `The token "${token.name}" is revoked already.`);
    const revoked = { ...token, revokedAt: at };
    return {
      result: revoked,
      audit: {
        action: "api_token.revoke",
        entityType: "api_token",
        entityId: token.id,
        before: auditView(token, owner),
        after: auditView(revoked, owner),
      },
    };
  });
}

export interface ApiCaller {
  user: User;
  token: ApiTokenView;
}

const refused = () =>
  new AppError("unauthenticated", "This API token is not valid: it is unknown, revoked, or its owner is deactivated.");

/**
 * The token's owner and the token, when the presented secret is a live token of an active
 * user; otherwise an "unauthenticated" error that does not say which check failed.
 */
export async function authenticateApiToken(deps: Deps, presented: string): Promise<ApiCaller> {
  // A malformed value cannot be a token: refuse it without a query.
  if (!TOKEN_PATTERN.test(presented)) throw refused();
  const found = await findApiTokenByHash(deps.db.prisma, sha256(presented));
  if (!found || found.revokedAt || found.user.status !== "active") throw refused();
  const { user, ...token } = found;
  const now = deps.clock.now();
  if (token.expiresAt && token.expiresAt <= now) {
    // The caller holds the secret: telling them it expired gives nothing away.
    throw new AppError(
      "unauthenticated",
      `This API token ("${token.name}") expired at ${token.expiresAt.toISOString()}. Create a new one on your account page.`,
    );
  }
  const notBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!token.lastUsedAt || token.lastUsedAt < notBefore) {
    await touchApiToken(deps.db.prisma, token.id, now, notBefore);
    token.lastUsedAt = now;
  }
  return { user, token };
}

/** The audit actor of a change made with a token: its owner, labelled with the token's name. */
export function apiActorOf(caller: ApiCaller, ip: string | null): Actor {
  return { userId: caller.user.id, label: `${caller.user.email} (api: ${caller.token.name})`, ip };
}

// For the account module's credential review: what its owner was issued, what still works, and
// revoking it all inside the review's audited transaction.

/** The user's API tokens created since `since` (all of them when null), revoked ones included, newest first. */
export function listApiTokensIssuedSince(deps: Deps, userId: string, since: Date | null): Promise<ApiTokenView[]> {
  return listApiTokensOfUserSince(deps.db.prisma, userId, since);
}

/** How many of the user's API tokens still work. */
export function countLiveApiTokens(deps: Deps, userId: string): Promise<number> {
  return countLiveApiTokensOfUser(deps.db.prisma, userId);
}

/** Revokes every working token of the user in the caller's transaction; returns how many. */
export function revokeAllApiTokensOf(tx: DbOrTx, userId: string, at: Date): Promise<number> {
  return revokeLiveApiTokensOfUser(tx, userId, at);
}
