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
