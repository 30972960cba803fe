import { createHash, randomBytes, randomUUID } from "node:crypto";

/** A new random id for a database row. */
export function newId(): string {
  return randomUUID();
}

/** A URL-safe secret of 32 random bytes, for one-time links. */
export function newSecretToken(): string {
  return randomBytes(32).toString("base64url");
}

/** SHA-256 hex of a string: how one-time tokens are stored. */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
