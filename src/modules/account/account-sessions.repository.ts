import type { DbOrTx } from "../../db/client.js";

// The session rows of one user (the session store in src/web/session.ts writes them) and the
// clients they signed in from (sign_in_client), for the account page and the administrators.

const sessionFields = { id: true, userId: true, createdAt: true, lastSeenAt: true, userAgent: true, ip: true } as const;

/** A user's sessions that have not expired, the most recently seen first. */
export function listLiveSessionsOfUser(db: DbOrTx, userId: string, now: Date) {
  return db.session.findMany({
    where: { userId, expiresAt: { gt: now } },
    select: sessionFields,
    orderBy: [{ lastSeenAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
  });
}

export function findSessionById(db: DbOrTx, id: string) {
  return db.session.findUnique({ where: { id }, select: sessionFields });
}

/** Ends one session: its next request is signed out. */
export async function deleteSession(db: DbOrTx, id: string): Promise<boolean> {
  const { count } = await db.session.deleteMany({ where: { id } });
  return count === 1;
}

/** Ends every session of a user; returns how many there were. */
export async function deleteAllSessionsOfUser(db: DbOrTx, userId: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { userId } });
  return count;
}

export function countSignInClientsOfUser(db: DbOrTx, userId: string) {
  return db.signInClient.count({ where: { userId } });
}

export function findSignInClient(db: DbOrTx, userId: string, clientKey: string) {
  return db.signInClient.findUnique({ where: { userId_clientKey: { userId, clientKey } } });
}

export function insertSignInClient(db: DbOrTx, data: { id: string; userId: string; clientKey: string; firstSeenAt: Date }) {
  return db.signInClient.create({ data });
}
