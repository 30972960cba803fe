import { createHmac } from "node:crypto";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { readAuditKey } from "../audit/index.js";
import type { AddressHasher } from "./purge-batches.sql.js";

/** The address as the people import keeps it for uniqueness: trimmed, lower-cased; null when blank. */
export function normaliseAddress(text: string): string | null {
  const trimmed = text.trim().toLowerCase();
  return trimmed === "" ? null : trimmed;
}

/**
 * The keyed hash of addresses the purge keeps (HMAC-SHA256 with the audit key, decision 0006,
 * over the normalised address, hex): the key never leaves the server, so a copy of the database
 * alone cannot test guessed addresses. Throws AppError "unavailable" without the key.
 */
export function addressHasherOf(deps: Pick<Deps, "config" | "db">): AddressHasher {
  const key = readAuditKey(deps.config, deps.db.url);
  if (!key) {
    throw new AppError(
      "unavailable",
      "The audit key is needed to hash addresses and was not found: set AUDIT_KEY or restore the key file.",
    );
  }
  return (normalized: string) => createHmac("sha256", key.key).update(normalized, "utf8").digest("hex");
}
