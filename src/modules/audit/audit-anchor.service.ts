import type { Database } from "../../db/client.js";
import type { Clock } from "../../lib/clock.js";
import { findAuditEntryBySeq, findLastAuditEntry, markAnchoringBegun, readAuditSettings } from "./audit.repository.js";
import { appendAnchorLine, formatAnchorLine, latestAnchor, readAnchorTail } from "./audit-anchor-file.service.js";
import { type AuditKey, recordedKeying } from "./audit-key.service.js";

export type AnchorOutcome =
  | { status: "written"; seq: number; hash: string }
  | { status: "unchanged" | "empty" }
  /** The chain no longer holds the latest anchor's entry: anchoring again would hide it. */
  | { status: "refused"; reason: string };

/**
 * Writes the chain's head to the anchor file when it moved since the latest anchor. Refuses
 * when the chain no longer holds the entry the latest anchor names (the tail was deleted or
 * the chain rewritten): a new line would make the verifier compare against the damage.
 */
export async function anchorAuditHead(
  db: Database,
  options: { key: AuditKey; path: string; clock: Clock },
): Promise<AnchorOutcome> {
  const head = await findLastAuditEntry(db.prisma);
  if (!head) return { status: "empty" };
  const latest = latestAnchor(readAnchorTail(options.path));
  if (latest) {
    if (latest.seq === head.seq && latest.hash === head.hash) return { status: "unchanged" };
    const anchored = await findAuditEntryBySeq(db.prisma, latest.seq);
    if (anchored?.hash !== latest.hash) {
      return {
        status: "refused",
        reason: `the audit chain no longer holds entry #${latest.seq} with the hash the anchor of ${latest.at} names (truncated or rewritten); run breachdesk audit verify`,
      };
    }
  }
  const keying = recordedKeying(await readAuditSettings(db.prisma));
  const now = options.clock.now();
  const line = formatAnchorLine(
    { at: now.toISOString(), seq: head.seq, hash: head.hash, keyedFromSeq: keying?.fromSeq ?? null },
    options.key.key,
  );
  appendAnchorLine(options.path, line);
  // After the line is on disk: a setting that says anchoring began with no file would be a false break.
  await markAnchoringBegun(db.prisma, now);
  return { status: "written", seq: head.seq, hash: head.hash };
}
