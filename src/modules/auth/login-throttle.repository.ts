import type { DbOrTx } from "../../db/client.js";

export function findThrottle(db: DbOrTx, key: string) {
  return db.loginThrottle.findUnique({ where: { key } });
}

export function saveThrottle(db: DbOrTx, key: string, data: { failures: number; windowStart: Date; lockedUntil: Date | null }) {
  return db.loginThrottle.upsert({ where: { key }, create: { key, ...data }, update: data });
}

export function clearThrottle(db: DbOrTx, key: string) {
  return db.loginThrottle.deleteMany({ where: { key } });
}

/**
 * Deletes one key and every key starting with a prefix. Prisma passes `_` and `%` in a prefix to
 * LIKE as wildcards (and SQLite's LIKE ignores case), so the rows it finds are checked here
 * before any is deleted: "a_b@x" must not clear "axb@x".
 */
export async function clearThrottles(db: DbOrTx, key: string, prefix: string) {
  const found = await db.loginThrottle.findMany({ where: { key: { startsWith: prefix } }, select: { key: true } });
  const keys = [key, ...found.map((row) => row.key).filter((k) => k.startsWith(prefix))];
  return db.loginThrottle.deleteMany({ where: { key: { in: keys } } });
}

/**
 * Counts one hit on a key in a fixed window and returns the row: a window that began before
 * windowStartedAfter is dropped first, then the count is raised in one upsert (an atomic
 * INSERT ... ON CONFLICT on both databases), so concurrent hits are never lost.
 */
export async function countHit(db: DbOrTx, key: string, now: Date, windowStartedAfter: Date) {
  await db.loginThrottle.deleteMany({ where: { key, windowStart: { lte: windowStartedAfter } } });
  return db.loginThrottle.upsert({
    where: { key },
    create: { key, failures: 1, windowStart: now, lockedUntil: null },
    update: { failures: { increment: 1 } },
  });
}

/** Takes back one hit on a key. */
export function uncountHit(db: DbOrTx, key: string) {
  return db.loginThrottle.updateMany({ where: { key, failures: { gt: 0 } }, data: { failures: { decrement: 1 } } });
}
