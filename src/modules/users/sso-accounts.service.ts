import type { DbOrTx } from "../../db/client.js";
import { newId } from "../../lib/ids.js";
import { findFirstActiveAdmin, findUserBySsoSubject, insertUser, type User, updateUser } from "./users.repository.js";
import type { Role } from "./users.schemas.js";
import { serverZone } from "./users.service.js";

// The accounts of single sign-on (decision 0031): found by the provider's issuer and subject,
// made at a first sign-in, linked to an existing account only when the caller decided it may be.
// Each takes the caller's transaction: auth's sign-in audits these changes in the same one.

/** The user the provider knows by this subject, or null. */
export function findUserBySubject(db: DbOrTx, issuer: string, subject: string): Promise<User | null> {
  return findUserBySsoSubject(db, issuer, subject);
}

/**
 * Makes the account of a first single sign-on: active, with no password (the provider vouches
 * for the person), in the zone of the administrator who set the instance up (else the server's).
 */
export async function createSsoUser(
  tx: DbOrTx,
  input: { email: string; name: string; role: Role; issuer: string; subject: string },
): Promise<User> {
  return insertUser(tx, {
    id: newId(),
    email: input.email,
    name: input.name,
    role: input.role,
    status: "active",
    passwordHash: null,
    passwordChangedAt: null,
    timeZone: (await findFirstActiveAdmin(tx))?.timeZone ?? serverZone(),
    oidcIssuer: input.issuer,
    oidcSubject: input.subject,
  });
}

/** Links an existing account to the provider's subject; an invited account becomes active. */
export function linkSsoSubject(tx: DbOrTx, user: User, issuer: string, subject: string): Promise<User> {
  return updateUser(tx, user.id, {
    oidcIssuer: issuer,
    oidcSubject: subject,
    ...(user.status === "invited" ? { status: "active" } : {}),
  });
}

/** Sets the role the provider's claim gives, at a sign-in. */
export function setRoleFromSso(tx: DbOrTx, userId: string, role: Role): Promise<User> {
  return updateUser(tx, userId, { role });
}
