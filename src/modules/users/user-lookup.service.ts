import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import { countUsers, findUserByEmail, findUserById, listAdminAccounts, type User, updateUser } from "./users.repository.js";

// What other modules and app.ts read or note about users, so users.repository.ts stays this
// module's own. The ones taking `db` take the caller's transaction when the caller checks a user
// inside its own change (an owner, a token's holder), so the check and the change see one state.

export type { User };

/** The user with that id, or null. */
export function findUser(db: DbOrTx, id: string): Promise<User | null> {
  return findUserById(db, id);
}

/** The user with that (normalised) e-mail address, or null. */
export function findUserWithEmail(db: DbOrTx, email: string): Promise<User | null> {
  return findUserByEmail(db, email);
}

/** The id and address of every administrator, whatever their status. */
export function listAdministrators(deps: Deps): Promise<{ id: string; email: string }[]> {
  return listAdminAccounts(deps.db.prisma);
}

/** Whether setup is done: some user exists. */
export async function hasUsers(deps: Deps): Promise<boolean> {
  return (await countUsers(deps.db.prisma)) > 0;
}

/** Notes a successful sign-in, inside the caller's audited transaction. */
export function markSignedIn(tx: DbOrTx, userId: string, at: Date): Promise<User> {
  return updateUser(tx, userId, { lastLoginAt: at });
}
