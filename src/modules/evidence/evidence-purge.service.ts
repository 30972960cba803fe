import type { Tx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Actor } from "../audit/index.js";
import { listKeptEvidenceFilesOf, markEvidenceFilesPurged } from "./evidence.repository.js";
import { evidenceStorageOf } from "./evidence.service.js";

/**
 * The evidence files of an incident whose retention says "purged with the people's data"
 * (issue 15, item 4; decision 0029): the retention purge removes their bytes through the storage
 * port and keeps each file's record (name, SHA-256, size, uploader) with the purge's instant and
 * reason, shown as "removed by the purge on <date>". The purge's one audit entry counts them.
 */

/** The reason a file's record keeps once the purge removed its bytes. */
export const PURGED_FILE_REASON =
  "Removed by the purge of the affected people's data (the incident's evidence files are purged with them).";

/** How many of an incident's evidence files still have their bytes (what a purge would remove). */
export async function countKeptEvidenceFiles(deps: Pick<Deps, "db">, incidentId: string): Promise<number> {
  return (await listKeptEvidenceFilesOf(deps.db.prisma, incidentId)).length;
}

/**
 * Removes the bytes of every file of the incident still kept, before the transaction that marks
 * them (markEvidenceFilesRemovedByPurge): a crash between the two leaves records whose bytes are
 * gone, which the resumed purge removes again (nothing there is not an error) and marks. Returns
 * the ids whose bytes were removed.
 */
export async function removeEvidenceBytesForPurge(deps: Pick<Deps, "db" | "config">, incidentId: string): Promise<string[]> {
  const storage = evidenceStorageOf(deps);
  const files = await listKeptEvidenceFilesOf(deps.db.prisma, incidentId);
  for (const file of files) if (file.storageKey) await storage.delete(file.storageKey);
  return files.map((f) => f.id);
}

/** Marks the files whose bytes removeEvidenceBytesForPurge removed, in the purge's transaction: how many. */
export function markEvidenceFilesRemovedByPurge(tx: Tx, incidentId: string, ids: string[], actor: Actor, at: Date) {
  if (ids.length === 0) return Promise.resolve(0);
  return markEvidenceFilesPurged(tx, incidentId, ids, {
    deletedAt: at,
    deletedById: actor.userId,
    deletedBy: actor.label,
    deleteReason: PURGED_FILE_REASON,
  });
}
