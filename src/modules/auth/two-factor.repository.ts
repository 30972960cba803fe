import type { DbOrTx } from "../../db/client.js";
import { newId } from "../../lib/ids.js";

export function findTwoFactor(db: DbOrTx, userId: string) {
  return db.twoFactor.findUnique({ where: { userId } });
}

/** Switches the second factor on with a confirmed secret, replacing any earlier one. */
export function saveTwoFactor(db: DbOrTx, userId: string, secret: string, lastUsedStep: number, enabledAt: Date) {
  const data = { secret, lastUsedStep, enabledAt };
  return db.twoFactor.upsert({ where: { userId }, create: { userId, ...data }, update: data });
}

/**
 * Claims a time step for a user: changes the row only when the step is later than the last one
 * used, so of two requests carrying the same code only one gets a count of 1.
 */
export async function claimStep(db: DbOrTx, userId: string, step: number): Promise<boolean> {
  const { count } = await db.twoFactor.updateMany({
    where: { userId, lastUsedStep: { lt: step } },
    data: { lastUsedStep: step },
  });
  return count === 1;
}

/** Removes the second factor and its recovery codes; the number of factors removed (0 or 1). */
export async function deleteTwoFactor(db: DbOrTx, userId: string): Promise<number> {
  await db.recoveryCode.deleteMany({ where: { userId } });
  const { count } = await db.twoFactor.deleteMany({ where: { userId } });
  return count;
}

/** Replaces a user's recovery codes (their SHA-256 hashes) with new ones. */
export async function replaceRecoveryCodes(db: DbOrTx, userId: string, codeHashes: string[], createdAt: Date) {
  await db.recoveryCode.deleteMany({ where: { userId } });
  await db.recoveryCode.createMany({ data: codeHashes.map((codeHash) => ({ id: newId(), userId, codeHash, createdAt })) });
}

/** Marks an unused recovery code used; false when it is not the user's or was used already. */
export async function useRecoveryCode(db: DbOrTx, userId: string, codeHash: string, usedAt: Date): Promise<boolean> {
  const { count } = await db.recoveryCode.updateMany({ where: { userId, codeHash, usedAt: null }, data: { usedAt } });
  return count === 1;
}

export function countUnusedRecoveryCodes(db: DbOrTx, userId: string): Promise<number> {
  return db.recoveryCode.count({ where: { userId, usedAt: null } });
}
