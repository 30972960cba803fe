import type { DbOrTx } from "../../db/client.js";
import type { User } from "../../generated/sqlite/client.js";

export type { User };

export function countUsers(db: DbOrTx) {
  return db.user.count();
}

export function findUserById(db: DbOrTx, id: string) {
  return db.user.findUnique({ where: { id } });
}

export function findUserByEmail(db: DbOrTx, email: string) {
  return db.user.findUnique({ where: { email } });
}

/** The user a single sign-on's provider knows by this subject, or null (decision 0031). */
export function findUserBySsoSubject(db: DbOrTx, oidcIssuer: string, oidcSubject: string) {
  return db.user.findUnique({ where: { oidcIssuer_oidcSubject: { oidcIssuer, oidcSubject } } });
}

export function listUsers(db: DbOrTx) {
  return db.user.findMany({ orderBy: [{ status: "asc" }, { name: "asc" }] });
}

export function countActiveAdmins(db: DbOrTx) {
  return db.user.count({ where: { role: "admin", status: "active" } });
}

/** The first active administrator to be created: whoever set the instance up, while active. */
export function findFirstActiveAdmin(db: DbOrTx) {
  return db.user.findFirst({ where: { role: "admin", status: "active" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

/** The id and address of every user with the administrator role, whatever their status. */
export function listAdminAccounts(db: DbOrTx) {
  return db.user.findMany({ where: { role: "admin" }, select: { id: true, email: true } });
}

export function insertUser(
  db: DbOrTx,
  data: Pick<User, "id" | "email" | "name" | "role" | "status" | "passwordHash" | "passwordChangedAt" | "timeZone"> &
    Partial<Pick<User, "oidcIssuer" | "oidcSubject">>,
) {
  return db.user.create({ data });
}

export function updateUser(
  db: DbOrTx,
  id: string,
  data: Partial<
    Pick<
      User,
      | "name"
      | "role"
      | "status"
      | "passwordHash"
      | "passwordChangedAt"
      | "lastLoginAt"
      | "deactivatedAt"
      | "timeZone"
      | "oidcIssuer"
      | "oidcSubject"
    >
  >,
) {
  return db.user.update({ where: { id }, data });
}

export function insertUserToken(
  db: DbOrTx,
  data: { id: string; userId: string; purpose: "invite" | "reset"; tokenHash: string; expiresAt: Date },
) {
  return db.userToken.create({ data });
}

export function findUserToken(db: DbOrTx, tokenHash: string) {
  return db.userToken.findUnique({ where: { tokenHash }, include: { user: true } });
}

/**
 * Marks a token used only if it still is unused; returns false when another request used it
 * first, so a link works exactly once.
 */
export async function consumeUserToken(db: DbOrTx, id: string, at: Date): Promise<boolean> {
  const { count } = await db.userToken.updateMany({ where: { id, usedAt: null }, data: { usedAt: at } });
  return count === 1;
}

/** Ends earlier links of the same purpose when a new one is sent. */
export function retireUserTokens(db: DbOrTx, userId: string, purpose: "invite" | "reset", at: Date) {
  return db.userToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: at } });
}

export function deleteSessionsOfUser(db: DbOrTx, userId: string) {
  return db.session.deleteMany({ where: { userId } });
}
