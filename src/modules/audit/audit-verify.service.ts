import type { Database } from "../../db/client.js";
import { AppError } from "../../lib/errors.js";
import {
  AUDIT_SETTINGS,
  type AuditSettings,
  findAuditEntryBySeq,
  listAuditEntriesAfter,
  readAuditSettings,
} from "./audit.repository.js";
import { type AuditAnchor, isAnchorSigned, latestAnchor, readAnchorTail } from "./audit-anchor-file.service.js";
import { type ChainBreak, type ChainKeying, GENESIS_HASH, verifyChainSegment } from "./audit-chain.policy.js";
import { type AuditKey, auditAnchorPath, auditKeyOf, chainKeyingFor, recordedKeying } from "./audit-key.service.js";

export interface AuditVerification {
  /** Entries checked before the first break (all of them when intact). */
  checked: number;
  /** The first keyed entry; null when the chain has no key yet. */
  keyedFromSeq: number | null;
  anchorPath: string;
  /** The latest anchor compared with the chain, or null when there is none. */
  anchor: Pick<AuditAnchor, "at" | "seq" | "hash" | "line"> | null;
  /** What is not a break but should be known (no anchor written yet, unreadable anchor lines). */
  warnings: string[];
  break: ChainBreak | null;
}

export interface VerifyOptions {
  /** Default: the key attached to the database, or found as boot finds it. */
  key?: AuditKey | null;
  /** Default: the anchor file beside the database. */
  anchorPath?: string;
}

const VERIFY_BATCH = 2000;

/**
 * Checks the audit log: every entry's hash (keyed from the recorded entry on, plain SHA-256
 * before), every link, and the latest anchor of the file outside the database, so deleted
 * last entries and a chain recomputed without the key are both found. Returns the first break;
 * throws AppError "unavailable" when it cannot check (no key, a wrong key, an unreadable file).
 */
export async function verifyAuditChain(db: Database, options: VerifyOptions = {}): Promise<AuditVerification> {
  const anchorPath = options.anchorPath ?? auditAnchorPath({ DATABASE_URL: db.url });
  const settings = await readAuditSettings(db.prisma);
  const result: AuditVerification = { checked: 0, keyedFromSeq: null, anchorPath, anchor: null, warnings: [], break: null };
  let recorded: ReturnType<typeof recordedKeying>;
  try {
    recorded = recordedKeying(settings);
  } catch (problem) {
    return { ...result, break: { seq: null, reason: (problem as Error).message } };
  }
  const key = options.key !== undefined ? options.key : recorded ? auditKeyOf(db) : null;
  const keying = recorded ? chainKeyingFor(recorded, key, db.url) : null;
  result.keyedFromSeq = keying?.fromSeq ?? null;

  const walked = await walkChain(db, keying);
  result.checked = walked.checked;
  if (walked.break) return { ...result, break: walked.break };
  return compareWithAnchor(db, result, { settings, key, headSeq: walked.headSeq });
}

/** Walks the chain oldest first in batches; the first break, entries checked and the last seq. */
async function walkChain(db: Database, keying: ChainKeying | null) {
  let afterSeq = 0;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const batch = await listAuditEntriesAfter(db.prisma, afterSeq, VERIFY_BATCH);
    if (batch.length === 0) return { checked, break: null, headSeq: afterSeq };
    const segment = verifyChainSegment(batch, prevHash, keying);
    if (segment.break) {
      return { checked: checked + batch.findIndex((e) => e.seq === segment.break?.seq), break: segment.break, headSeq: afterSeq };
    }
    checked += batch.length;
    prevHash = segment.lastHash;
    afterSeq = batch[batch.length - 1]!.seq;
  }
}

/** The chain must still hold the entry the latest anchor names, with that hash and keying. */
async function compareWithAnchor(
  db: Database,
  result: AuditVerification,
  context: { settings: AuditSettings; key: AuditKey | null; headSeq: number },
): Promise<AuditVerification> {
  const path = result.anchorPath;
  const tail = readAnchorTail(path);
  for (const line of tail?.unreadable ?? [])
    result.warnings.push(`line ${line} of ${path} is not an anchor line; it was ignored`);
  const latest = latestAnchor(tail);
  if (!latest) {
    const since = context.settings.anchoredSince;
    if (since) {
      const reason = `the anchor file ${path} is ${tail ? "empty" : "missing"}, though anchoring began ${since} (${AUDIT_SETTINGS.anchoredSince}): it was deleted or moved, and the chain's end can no longer be checked`;
      return { ...result, break: { seq: null, reason } };
    }
    if (result.checked > 0)
      result.warnings.push(`no anchor has been written to ${path} yet: the worker writes one within a minute of a change`);
    return result;
  }
  const anchor = { at: latest.at, seq: latest.seq, hash: latest.hash, line: latest.line };
  result.anchor = anchor;
  if (!context.key) {
    throw new AppError(
      "unavailable",
      `The anchor file ${path} is signed with the audit key, and no key was found: set AUDIT_KEY, or put the key file back.`,
    );
  }
  const named = `the anchor of ${anchor.at} (line ${anchor.line} of ${path}) names entry #${anchor.seq} with hash ${anchor.hash}`;
  const found = (seq: number | null, reason: string) => ({ ...result, break: { seq, reason } });
  for (const line of tail?.anchors ?? []) {
    if (!isAnchorSigned(line, context.key.key)) {
      return found(
        null,
        `line ${line.line} of ${path} is not signed with this database's audit key: forged, damaged, or written by another instance`,
      );
    }
  }
  if (latest.keyedFromSeq !== result.keyedFromSeq) {
    const was = latest.keyedFromSeq === null ? "not keyed" : `keyed from entry #${latest.keyedFromSeq}`;
    const now = result.keyedFromSeq === null ? "not keyed" : `keyed from entry #${result.keyedFromSeq}`;
    return found(null, `the chain's keying was changed: ${named} when the chain was ${was}; the database now says ${now}`);
  }
  if (anchor.seq > context.headSeq) {
    return found(context.headSeq + 1, `truncated or rewritten: ${named}, but the chain ends at entry #${context.headSeq}`);
  }
  const entry = await findAuditEntryBySeq(db.prisma, anchor.seq);
  if (!entry) return found(anchor.seq, `truncated or rewritten: ${named}, and there is no such entry`);
  if (entry.hash !== anchor.hash) {
    return found(anchor.seq, `truncated or rewritten: ${named}, and the database's entry has the hash ${entry.hash}`);
  }
  return result;
}
