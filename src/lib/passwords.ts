import { hash, verify } from "@node-rs/argon2";

// Password hashing, shared by the users module (which stores the hashes) and the auth module
// (which checks them at sign-in): a security mechanism with no domain knowledge, so below both.

// argon2id (the library's default algorithm) with OWASP's minimum: 19 MiB, 2 passes, 1 lane.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** An argon2id hash in PHC string form, salted. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

/** True when the password matches the hash; false (never a throw) for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password, verified against when the account does not exist, so that a
 * failed sign-in takes as long for an unknown address as for a known one.
 */
export const timingDecoyHash = hashPassword(`decoy-${Math.random()}`);
