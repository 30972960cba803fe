import type { Database } from "../../db/client.js";
import { refreshPlannerStatistics } from "../../db/planner-statistics.js";
import type { PersonImport } from "../../generated/sqlite/client.js";
import type { Clock } from "../../lib/clock.js";
import { type Actor, systemActor } from "../audit/index.js";
import { type CsvDelimiter, readCsvFile } from "./csv-file.service.js";
import type { TextEncodingName } from "./encoding.service.js";
import { cancelledMessage, describeFailure, endImport, stoppedMessage } from "./import-outcome.service.js";
import { IMPORT_BATCH_ROWS, type ImportProgress, ImportRun } from "./import-run.service.js";
import { startRun } from "./import-start.service.js";
import { ImportCheckpointRefused } from "./people-bulk.sql.js";
import { openPeopleWriter } from "./people-writer.sql.js";
import { findImport } from "./person-import.repository.js";
import { applyRiskRuleAfterImport } from "./person-risk.service.js";
import type { RejectReason } from "./person-row.policy.js";
import type { ImportWarning } from "./person-warnings.policy.js";

/**
 * Importing a CSV of affected people into an incident: the file is streamed, every row gets a
 * verdict, valid rows are merged by unique key and upserted in batches that each commit on
 * their own, rejected rows go to an error report next to the file, and the PersonImport record
 * carries the counts. Lifecycle: queued -> running -> completed | failed | cancelled.
 */

export { IMPORT_BATCH_ROWS, type ImportProgress };

interface RunOptions {
  batchRows?: number;
  /** Aborting cancels the import after the batch being written (it ends as cancelled). */
  signal?: AbortSignal;
  /**
   * Aborting interrupts the run after the batch being written, leaving the import running for
   * a later run to continue (the worker is stopping): importPeopleFile throws ImportInterrupted.
   */
  interruptSignal?: AbortSignal;
  /** Called after each committed batch; the run waits for a promise it returns. */
  onProgress?(progress: ImportProgress): unknown;
  /** Who the audit log names for the import's start (a new import) and end; the system by default. */
  actor?: Actor;
}

/** A new import of a file, recorded by the engine (the command line). */
export interface NewImportOptions extends RunOptions {
  importId?: undefined;
  incidentId: string;
  filePath: string;
  /** The name the user knows the file by; defaults to the file's base name. */
  fileName?: string;
  /** Header -> field, overriding the guesses from header names. */
  mapping?: Record<string, string>;
  createdById?: string | null;
}

/** An import already recorded (an upload mapped in the app): its record names the file and mapping. */
export interface RecordedImportOptions extends RunOptions {
  importId: string;
  /**
   * Also take over the import when it is running (or cancelling): its last run stopped without
   * finishing (the worker's job is being retried). The new run continues after the last checkpoint.
   */
  isTakeOver?: boolean;
}

export type ImportPeopleOptions = NewImportOptions | RecordedImportOptions;

export interface ImportSummary {
  importId: string;
  status: "completed" | "failed" | "cancelled";
  encoding: TextEncodingName;
  delimiter: string;
  read: number;
  accepted: number;
  created: number;
  updated: number;
  duplicates: number;
  rejected: number;
  reasons: Partial<Record<RejectReason, number>>;
  /** Rows accepted with a value that could not be used (counted in accepted), by warning. */
  warnings: Partial<Record<ImportWarning, number>>;
  /** The last line whose row is in the database (or the error report) when the import stopped early. */
  stoppedAtLine: number | null;
  message: string;
  errorReportPath: string | null;
}

/** The run was interrupted (the worker is stopping); the import stays running for a later run. */
export class ImportInterrupted extends Error {
  constructor() {
    super("The import was interrupted after its last batch; a later run continues it.");
    this.name = "ImportInterrupted";
  }
}

/** Another run took the import over (this one was thought dead); this run wrote nothing more. */
export class ImportTakenOver extends Error {
  constructor() {
    super("Another run took this import over; this run stopped without writing.");
    this.name = "ImportTakenOver";
  }
}

interface Deps {
  db: Database;
  clock: Clock;
}

/** The summary of an import as its record stands. */
function summaryOf(record: PersonImport): ImportSummary {
  return {
    importId: record.id,
    status: record.status as ImportSummary["status"],
    encoding: record.encoding as TextEncodingName,
    delimiter: record.delimiter,
    read: record.rowsRead,
    accepted: record.accepted,
    created: record.created,
    updated: record.updated,
    duplicates: record.duplicates,
    rejected: record.rejected,
    reasons: JSON.parse(record.reasons),
    warnings: JSON.parse(record.warnings),
    stoppedAtLine: record.stoppedAtLine,
    message: record.message,
    errorReportPath: record.errorReportPath,
  };
}

/**
 * Runs an import of a CSV file of people into an incident and returns the final counts: the
 * recorded import named by importId, or a new one recorded for the file. Refuses (with a
 * conflict error) while another import of the incident is running. Each batch commits with
 * the import's counts in one transaction, so a failure, a cancellation or a crash keeps the
 * rows before it and the counts that describe them; a run taking over a crashed one continues
 * after that checkpoint, so nothing is counted twice (see docs/ARCHITECTURE.md). Importing the
 * same file again creates nobody (every row counts as updated).
 * created + updated + duplicates = accepted; a rejected row counts under each of its reasons, an
 * accepted row with values that could not be used under each of its warnings.
 */
export async function importPeopleFile(deps: Deps, options: ImportPeopleOptions): Promise<ImportSummary> {
  const { db, clock } = deps;
  const started = await startRun(deps, options);
  if (!started) return summaryOf((await findImport(db.prisma, options.importId!))!);
  const { record, file, resumeFrom } = started;
  let bytesRead = 0;
  const writer = await openPeopleWriter(db);
  const run = new ImportRun(deps, {
    importId: record.id,
    incidentId: record.incidentId,
    runNumber: record.runNumber,
    writer,
    mapping: file.mapping,
    reportPath: `${file.path.replace(/\.(csv|txt|tsv)$/i, "")}.errors.csv`,
    bytesRead: () => bytesRead,
    resumeFrom,
    batchRows: options.batchRows,
    onProgress: options.onProgress,
  });
  let failure: unknown = null;
  try {
    const delimiter = file.delimiter as CsvDelimiter;
    const reading = { encoding: file.encoding, delimiter, onBytesRead: (n: number) => (bytesRead = n) };
    for await (const records of readCsvFile(file.path, reading)) {
      for (const csvRecord of records) {
        if (!run.hasHeader) {
          run.readHeader(csvRecord);
          continue;
        }
        if (run.isDone(csvRecord)) {
          await run.replay(csvRecord);
          continue;
        }
        if (run.isBatchFull()) await run.flush();
        if (options.interruptSignal?.aborted) throw new ImportInterrupted();
        if (options.signal?.aborted) throw new ImportCancelled();
        run.take(csvRecord);
      }
    }
    await run.flush();
  } catch (error) {
    failure = error;
  } finally {
    await writer.close();
    await run.closeReport();
  }
  if (failure instanceof ImportInterrupted) throw failure;
  if (failure instanceof ImportCheckpointRefused) {
    // Refused: cancelled (this run ends it) or taken over by a later run (which ends it).
    const current = await findImport(db.prisma, record.id);
    if (current?.status !== "cancelling" || current.runNumber !== record.runNumber) throw new ImportTakenOver();
  }
  const isCancelled = failure instanceof ImportCancelled || failure instanceof ImportCheckpointRefused;
  const status: ImportSummary["status"] = failure === null ? "completed" : isCancelled ? "cancelled" : "failed";
  let message = resumeFrom ? `Continued after line ${resumeFrom.lastLine}, where the run before stopped without finishing.` : "";
  if (isCancelled) message = cancelledMessage(run.committedLine ?? run.headerLine);
  else if (failure !== null) {
    const why = describeFailure(failure);
    message = stoppedMessage(why, run.committedLine ?? run.headerLine);
  }
  // Many rows changed: the query planner's statistics of the people table are out of date (SQLite
  // then picks the wrong index for the people page's counts). Cheap next to the import itself.
  if (run.committed.created > 0) await refreshPlannerStatistics(db, "person");
  const now = clock.now();
  const isFinished = await endImport(deps, options.actor ?? systemActor, record, {
    ...run.committed,
    status,
    stoppedAtLine: status === "completed" ? null : (run.committedLine ?? run.headerLine),
    message,
    errorReportPath: run.reportPath,
    ...(status === "completed" ? { bytesRead: BigInt(file.bytes) } : {}),
    finishedAt: now,
    updatedAt: now,
  });
  if (!isFinished) throw new ImportTakenOver();
  // Its at-risk column, if mapped, is kept as the file's; the incident's risk rule sets everyone else it wrote.
  await applyRiskRuleAfterImport(deps, record.id);
  return summaryOf((await findImport(db.prisma, record.id))!);
}

class ImportCancelled extends Error {}
