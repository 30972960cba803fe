import type { DbOrTx } from "../../db/client.js";
import type { ApiToken } from "../../generated/sqlite/client.js";

export type { ApiToken };

/** What lists and audit entries may show of a token: everything but its hash. */
export type ApiTokenView = Omit<ApiToken, "tokenHash">;

const viewFields = {
  id: true,
  userId: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  expiresAt: true,
  scope: true,
} as const;

export function insertApiToken(
  db: DbOrTx,
  data: Pick<ApiToken, "id" | "userId" | "name" | "tokenHash" | "prefix" | "createdAt" | "expiresAt" | "scope">,
) {
  return db.apiToken.create({ data, select: viewFields });
}

/** The token with this hash and its owner, or null. */
export function findApiTokenByHash(db: DbOrTx, tokenHash: string) {
  return db.apiToken.findUnique({ where: { tokenHash }, select: { ...viewFields, user: true } });
}

export function findApiTokenById(db: DbOrTx, id: string) {
  return db.apiToken.findUnique({ where: { id }, select: viewFields });
}

/** A user's tokens, usable ones first, newest first. */
export function listApiTokensOfUser(db: DbOrTx, userId: string) {
  return db.apiToken.findMany({
    where: { userId },
    select: viewFields,
    // Explicit nulls order: SQLite and PostgreSQL put NULL at opposite ends by default.
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
  });
}

/** A user's tokens created at or after an instant (all of them when it is null), newest first. */
export function listApiTokensOfUserSince(db: DbOrTx, userId: string, since: Date | null) {
  return db.apiToken.findMany({
    where: { userId, ...(since ? { createdAt: { gte: since } } : {}) },
    select: viewFields,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}

/** How many of a user's tokens still work. */
export function countLiveApiTokensOfUser(db: DbOrTx, userId: string) {
  return db.apiToken.count({ where: { userId, revokedAt: null } });
}

/** Revokes every token of a user that still works; returns how many it revoked. */
export async function revokeLiveApiTokensOfUser(db: DbOrTx, userId: string, at: Date): Promise<number> {
  const { count } = await db.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: at } });
  return count;
}

/** Revokes a token unless it is revoked already; returns false when it was. */
export async function markApiTokenRevoked(db: DbOrTx, id: string, at: Date): Promise<boolean> {
  const { count } = await db.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
  return count === 1;
}

/** Sets lastUsedAt unless another request set it after notBefore, so bursts write once. */
export function touchApiToken(db: DbOrTx, id: string, at: Date, notBefore: Date) {
  return db.apiToken.updateMany({
    where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: notBefore } }] },
    data: { lastUsedAt: at },
  });
}
