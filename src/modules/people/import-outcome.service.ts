import type { Database, DbOrTx } from "../../db/client.js";
import type { PersonImport } from "../../generated/sqlite/client.js";
import type { Clock } from "../../lib/clock.js";
import { type Actor, type AuditChange, recordAudit } from "../audit/index.js";
import { parseStoredMapping } from "./person-fields.policy.js";
import { findImport, finishImport, type ImportEnd } from "./person-import.repository.js";

/** How an import's start and end are told: its messages and its audit entries. */

interface Deps {
  db: Database;
  clock: Clock;
}

/** What a failed import says about where it stopped and what to do next. */
export function stoppedMessage(why: string, lastLine: number): string {
  const where = lastLine > 0 ? `after line ${lastLine}` : "before its first rows were written";
  return (
    `The import stopped ${where}: ${why} The people imported up to there are kept. ` +
    "Importing the file again is safe: people already imported are updated, not duplicated."
  );
}

/**
 * A one-line reason for a failure: Prisma prefixes driver errors with "Invalid `prisma.x()`
 * invocation:" and blank lines, which say nothing to the person reading the import's page.
 */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `${text
    .replace(/Invalid `[^`]*` invocation:/, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\.$/, "")}.`;
}

/** What a cancelled run says: where it stopped, and that what came before stays. */
export function cancelledMessage(lastLine: number): string {
  return lastLine > 1
    ? `Cancelled after line ${lastLine}: the people imported up to there are kept.`
    : "Cancelled before any rows were written.";
}

/** The end of an import that failed after `lastLine`, saying where it stopped. */
export function failureEnd(why: string, lastLine: number, now: Date): ImportEnd {
  return { status: "failed", stoppedAtLine: lastLine, message: stoppedMessage(why, lastLine), finishedAt: now, updatedAt: now };
}

/** The audit entry of an import's start: the file and the mapping it runs with. */
export function importStartAudit(record: PersonImport, incidentReference: string): AuditChange {
  return {
    action: "person_import.start",
    entityType: "person_import",
    entityId: record.id,
    incidentId: record.incidentId,
    after: { incident: incidentReference, fileName: record.fileName, mapping: parseStoredMapping(record.mapping) },
  };
}

/**
 * Ends an import as `end` says (a run's end, or, with fromStatuses ["queued"], one that could
 * not start) and audits its status and counts (person_import.finish), in one transaction;
 * false, changing and auditing nothing, when the import was no longer in that state.
 */
export async function endImport(
  deps: Deps,
  actor: Actor,
  record: Pick<PersonImport, "id" | "runNumber">,
  end: ImportEnd,
  options: { tx?: DbOrTx; fromStatuses?: string[] } = {},
): Promise<boolean> {
  const write = async (tx: DbOrTx) => {
    if (!(await finishImport(tx, record, end, options.fromStatuses))) return false;
    const ended = (await findImport(tx, record.id))!;
    const after = {
      fileName: ended.fileName,
      status: ended.status,
      read: ended.rowsRead,
      accepted: ended.accepted,
      created: ended.created,
      updated: ended.updated,
      duplicates: ended.duplicates,
      rejected: ended.rejected,
      reasons: JSON.parse(ended.reasons) as Record<string, number>,
      warnings: JSON.parse(ended.warnings) as Record<string, number>,
      stoppedAtLine: ended.stoppedAtLine,
      message: ended.message,
    };
    const audit = {
      action: "person_import.finish",
      entityType: "person_import",
      entityId: ended.id,
      incidentId: ended.incidentId,
    };
    await recordAudit(deps.db, tx, actor, { ...audit, after }, deps.clock);
    return true;
  };
  return options.tx ? write(options.tx) : deps.db.prisma.$transaction(write);
}
