import type { DbOrTx } from "../../db/client.js";
import { readPeopleChangeMark } from "./people-browse.repository.js";

/**
 * The counts of an incident's people (the people page's summary, the incident page's people
 * section, each import's people), kept in this process between requests. Counting is a GROUP BY
 * over every person of the incident: about 0.2 s at 200,000 people on SQLite, where the query
 * holds the event loop, so 25 readers counting on each request queued every request of the
 * server behind them for seconds (bench/load.ts).
 *
 * Counts are read again when the incident's people may have changed:
 * - an import wrote people: each write moves its import record (its counts, updated_at) in the
 *   same transaction, and the mark read on each use (readPeopleChangeMark, one indexed read of
 *   the incident's few import records) then differs, whichever process imported;
 * - people were deleted in this process: person-deletion.service.ts calls forgetPeopleCounts;
 * - COUNTS_TTL_MS have passed: deletions by another process (a worker of its own, RUN_WORKER=false)
 *   show within that time.
 */
export const COUNTS_TTL_MS = 10_000;
/** Entries kept at most (the oldest go first): a few per incident someone looked at. */
const MAX_ENTRIES = 500;

interface Entry {
  mark: string;
  readAt: number;
  value: Promise<unknown>;
}
const entries = new Map<string, Entry>();

/**
 * The value `read` computes for this incident and name, read again only when the incident's
 * people may have changed (see above). Concurrent callers share one read; a failed read is
 * not kept.
 */
export async function cachedPeopleCounts<T>(db: DbOrTx, incidentId: string, name: string, read: () => Promise<T>): Promise<T> {
  const mark = await readPeopleChangeMark(db, incidentId);
  const key = `${incidentId}\u0000${name}`;
  const now = performance.now();
  const entry = entries.get(key);
  if (entry && entry.mark === mark && now - entry.readAt < COUNTS_TTL_MS) return entry.value as Promise<T>;
  const value = read();
  entries.delete(key);
  entries.set(key, { mark, readAt: now, value });
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  value.catch(() => {
    if (entries.get(key)?.value === value) entries.delete(key);
  });
  return value;
}

/** Forgets the incident's counts kept in this process: its people changed here. */
export function forgetPeopleCounts(incidentId: string): void {
  for (const key of entries.keys()) if (key.startsWith(`${incidentId}\u0000`)) entries.delete(key);
}
