import { createHmac } from "node:crypto";
import type { Deps } from "../../deps.js";
import { loadOrCreateAuditKey } from "../audit/index.js";
import type { AddressHasher } from "./purge-batches.sql.js";

/** The address as the people import keeps it for uniqueness: trimmed, lower-cased; null when blank. */
export function normaliseAddress(text: string): string | null {
  const trimmed = text.trim().toLowerCase();
  return trimmed === "" ? null : trimmed;
}

/**
 * The keyed hash of addresses the purge keeps (HMAC-SHA256 with the audit key, decision 0006,
 * over the normalised address, hex): the key never leaves the server, so a copy of the database
 * alone cannot test guessed addresses. Throws AppError "unavailable" when the key file cannot be read.
 */
export function addressHasherOf(deps: Pick<Deps, "config" | "db">): AddressHasher {
  // The key the server and the worker load (or make) at start: AUDIT_KEY, else the file beside the database.
  const key = loadOrCreateAuditKey(deps.config);
  return (normalized: string) => createHmac("sha256", key.key).update(normalized, "utf8").digest("hex");
}
