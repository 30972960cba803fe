import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { Database, DbOrTx } from "../../db/client.js";
import { ImportCheckpointRefused, openPeopleWriter } from "../../db/dialect.js";
import type { PersonImport } from "../../generated/sqlite/client.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { type Actor, type AuditChange, recordAudit, systemActor } from "../audit/audit.service.js";
import { type CsvRecord, readCsvFile } from "./csv-stream.js";
import { detectFileEncoding, type TextEncodingName } from "./encoding.js";
import { IMPORT_BATCH_ROWS, type ImportProgress, ImportRun, type ResumePoint } from "./import-run.js";
import {
  createImport,
  findImport,
  findIncidentForImport,
  findRunningImport,
  findStaleImports,
  finishImport,
  type ImportEnd,
  lockIncidentForImport,
  RUNNING_STATUSES,
  STALE_RUNNING_IMPORT_MS,
  startImportRun,
} from "./person-import.repository.js";
import { type RejectReason, resolveMapping } from "./person-row.js";

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

type PreparedFile = Awaited<ReturnType<typeof prepareImportFile>>;

/**
 * Reads the file's encoding and header row and resolves the column mapping. Throws a
 * validation error when the file cannot be read, is empty, or the mapping names an unknown
 * column or field: the import cannot start.
 */
export async function prepareImportFile(filePath: string, mapping?: Record<string, string>) {
  const path = resolve(filePath);
  let bytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error("not a file");
    bytes = info.size;
    const encoding = await detectFileEncoding(path);
    let delimiter = ",";
    let header: CsvRecord | undefined;
    for await (const records of readCsvFile(path, { encoding, onDelimiter: (d) => (delimiter = d) })) {
      header = records[0];
      break;
    }
    if (!header) throw new AppError("validation", `The file ${basename(path)} is empty: it has no header row.`);
    if (header.error)
      throw new AppError("validation", `The header row of ${basename(path)} cannot be read: a quote mark is out of place.`);
    return { path, bytes, encoding, delimiter, headerLine: header.line, columns: resolveMapping(header.fields, mapping) };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("validation", `Cannot read ${filePath}: ${(error as Error).message}`);
  }
}

/** The mapping stored on an import record (header -> field); an unreadable one is no mapping. */
export function storedMapping(text: string): Record<string, string> {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function conflictWith(running: { fileName: string }): AppError {
  return new AppError("conflict", `Another import of this incident (${running.fileName}) is running; try again when it ends.`);
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
function describeFailure(error: unknown): string {
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

/**
 * Marks the incident's other imports that are still marked running but have not moved for
 * STALE_RUNNING_IMPORT_MS as failed, saying where they stopped: their process died (a killed
 * command line import; a worker whose job retries ran out).
 */
async function failStaleImports(deps: Deps, tx: DbOrTx, incidentId: string, exceptId: string, now: Date): Promise<void> {
  const staleBefore = new Date(now.getTime() - STALE_RUNNING_IMPORT_MS);
  for (const stale of await findStaleImports(tx, incidentId, staleBefore, exceptId)) {
    const why = `it made no progress after ${stale.updatedAt.toISOString()} (the process running it stopped).`;
    await endImport(deps, systemActor, stale, failedAt(why, stale.lastLine, now), { tx });
  }
}

/** The end of an import that failed after `lastLine`, saying where it stopped. */
export function failedAt(why: string, lastLine: number, now: Date): ImportEnd {
  return { status: "failed", stoppedAtLine: lastLine, message: stoppedMessage(why, lastLine), finishedAt: now, updatedAt: now };
}

/** The audit entry of an import's start: the file and the mapping it runs with. */
export function importStartAudit(record: PersonImport, incidentReference: string): AuditChange {
  return {
    action: "person_import.start",
    entityType: "person_import",
    entityId: record.id,
    incidentId: record.incidentId,
    after: { incident: incidentReference, fileName: record.fileName, mapping: storedMapping(record.mapping) },
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

/** How a run starts: its record as started, the file, and the checkpoint it continues after. */
interface StartedRun {
  record: PersonImport;
  file: PreparedFile;
  resumeFrom?: ResumePoint;
}

/**
 * Starts a run of the import, or throws: not_found (no such incident or import), conflict
 * (another import of the incident is running, or this one cannot run now), validation (the
 * file or mapping cannot be used). Creates the record first when given none; returns null
 * when a taken-over import was being cancelled (it is now cancelled, with nothing to run).
 */
async function startRun(deps: Deps, options: ImportPeopleOptions): Promise<StartedRun | null> {
  const { db, clock } = deps;
  const now = clock.now();
  const activeSince = new Date(now.getTime() - STALE_RUNNING_IMPORT_MS);
  if (options.importId !== undefined) {
    const record = await findImport(db.prisma, options.importId);
    if (!record) throw new AppError("not_found", "No such import.");
    const isTakeOver = options.isTakeOver === true && RUNNING_STATUSES.includes(record.status);
    if (record.status !== "queued" && !isTakeOver) {
      throw new AppError("conflict", `The import of ${record.fileName} is ${record.status}, not queued.`);
    }
    if (record.status === "cancelling") {
      const done = { status: "cancelled", stoppedAtLine: record.lastLine, message: cancelledMessage(record.lastLine) };
      await endImport(deps, options.actor ?? systemActor, record, { ...done, finishedAt: now, updatedAt: now });
      return null;
    }
    const file = await prepareImportFile(record.filePath, storedMapping(record.mapping));
    const started = await db.prisma.$transaction(async (tx) => {
      await lockIncidentForImport(tx, record.incidentId);
      await failStaleImports(deps, tx, record.incidentId, record.id, now);
      const running = await findRunningImport(tx, record.incidentId, activeSince, record.id);
      if (running) throw conflictWith(running);
      const found = { fileBytes: BigInt(file.bytes), encoding: file.encoding, delimiter: file.delimiter };
      if (!(await startImportRun(tx, record, { ...found, updatedAt: now }))) {
        throw new AppError("conflict", `The import of ${record.fileName} changed while it was starting.`);
      }
      return (await findImport(tx, record.id))!;
    });
    return { record: started, file, ...(isTakeOver ? { resumeFrom: started } : {}) };
  }
  const file = await prepareImportFile(options.filePath, options.mapping);
  const id = newId();
  const record = await db.prisma.$transaction(async (tx) => {
    const incident = await findIncidentForImport(tx, options.incidentId);
    if (!incident) throw new AppError("not_found", "No such incident.");
    await failStaleImports(deps, tx, options.incidentId, id, now);
    const running = await findRunningImport(tx, options.incidentId, activeSince, id);
    if (running) throw conflictWith(running);
    const created = await createImport(tx, {
      id,
      incidentId: options.incidentId,
      fileName: options.fileName ?? basename(file.path),
      filePath: file.path,
      fileBytes: BigInt(file.bytes),
      encoding: file.encoding,
      delimiter: file.delimiter,
      mapping: JSON.stringify(Object.fromEntries(file.columns.headers.map((h, i) => [h, file.columns.fields[i]]))),
      status: "running",
      runNumber: 1,
      createdById: options.createdById ?? null,
      createdAt: now,
      startedAt: now,
      updatedAt: now,
    });
    await recordAudit(db, tx, options.actor ?? systemActor, importStartAudit(created, incident.reference), clock);
    return created;
  });
  return { record, file };
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
 * created + updated + duplicates = accepted; a rejected row counts under each of its reasons.
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
    columns: file.columns,
    reportPath: `${file.path.replace(/\.(csv|txt|tsv)$/i, "")}.errors.csv`,
    bytesRead: () => bytesRead,
    resumeFrom,
    batchRows: options.batchRows,
    onProgress: options.onProgress,
  });
  let failure: unknown = null;
  try {
    let isHeader = true;
    for await (const records of readCsvFile(file.path, { encoding: file.encoding, onBytesRead: (n) => (bytesRead = n) })) {
      for (const csvRecord of records) {
        if (isHeader) {
          isHeader = false;
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
  if (isCancelled) message = cancelledMessage(run.committedLine ?? file.headerLine);
  else if (failure !== null) {
    const why = describeFailure(failure);
    message = stoppedMessage(why, run.committedLine ?? file.headerLine);
  }
  const now = clock.now();
  const isFinished = await endImport(deps, options.actor ?? systemActor, record, {
    ...run.committed,
    status,
    stoppedAtLine: status === "completed" ? null : (run.committedLine ?? file.headerLine),
    message,
    errorReportPath: run.reportPath,
    ...(status === "completed" ? { bytesRead: BigInt(file.bytes) } : {}),
    finishedAt: now,
    updatedAt: now,
  });
  if (!isFinished) throw new ImportTakenOver();
  return summaryOf((await findImport(db.prisma, record.id))!);
}

class ImportCancelled extends Error {}
