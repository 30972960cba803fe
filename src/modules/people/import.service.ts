import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { Database } from "../../db/client.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { type CsvRecord, readCsvFile } from "./csv-stream.js";
import { detectFileEncoding, type TextEncodingName } from "./encoding.js";
import { IMPORT_BATCH_ROWS, type ImportProgress, ImportRun } from "./import-run.js";
import {
  claimQueuedImport,
  createImport,
  findImport,
  findRunningImport,
  finishImport,
  lockIncidentForImport,
  STALE_RUNNING_IMPORT_MS,
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
  /** Aborting cancels the import after the batch being written. */
  signal?: AbortSignal;
  /** Called after each committed batch. */
  onProgress?(progress: ImportProgress): void;
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

/** An import already recorded and queued (an upload mapped in the app): its record names the file and mapping. */
export interface QueuedImportOptions extends RunOptions {
  importId: string;
}

export type ImportPeopleOptions = NewImportOptions | QueuedImportOptions;

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

/**
 * Moves the import to running, or throws: not_found (no such incident or import), conflict
 * (another import of the incident is running, or this one is no longer queued), validation
 * (the file or mapping cannot be used). Creates the record first when given none.
 */
async function startRun(
  deps: Deps,
  options: ImportPeopleOptions,
): Promise<{ id: string; incidentId: string; file: PreparedFile }> {
  const { db, clock } = deps;
  const now = clock.now();
  const activeSince = new Date(now.getTime() - STALE_RUNNING_IMPORT_MS);
  if (options.importId !== undefined) {
    const record = await findImport(db.prisma, options.importId);
    if (!record) throw new AppError("not_found", "No such import.");
    const file = await prepareImportFile(record.filePath, storedMapping(record.mapping));
    await db.prisma.$transaction(async (tx) => {
      await lockIncidentForImport(tx, record.incidentId);
      const running = await findRunningImport(tx, record.incidentId, activeSince, record.id);
      if (running) throw conflictWith(running);
      const started = { encoding: file.encoding, delimiter: file.delimiter, startedAt: now, updatedAt: now };
      if (!(await claimQueuedImport(tx, record.id, started))) {
        throw new AppError("conflict", `The import of ${record.fileName} is not queued any more.`);
      }
    });
    return { id: record.id, incidentId: record.incidentId, file };
  }
  const file = await prepareImportFile(options.filePath, options.mapping);
  const id = newId();
  await db.prisma.$transaction(async (tx) => {
    if (!(await lockIncidentForImport(tx, options.incidentId))) throw new AppError("not_found", "No such incident.");
    const running = await findRunningImport(tx, options.incidentId, activeSince, id);
    if (running) throw conflictWith(running);
    await createImport(tx, {
      id,
      incidentId: options.incidentId,
      fileName: options.fileName ?? basename(file.path),
      filePath: file.path,
      fileBytes: BigInt(file.bytes),
      encoding: file.encoding,
      delimiter: file.delimiter,
      mapping: JSON.stringify(Object.fromEntries(file.columns.headers.map((h, i) => [h, file.columns.fields[i]]))),
      status: "running",
      createdById: options.createdById ?? null,
      createdAt: now,
      startedAt: now,
      updatedAt: now,
    });
  });
  return { id, incidentId: options.incidentId, file };
}

/**
 * Runs an import of a CSV file of people into an incident and returns the final counts: the
 * queued import named by importId, or a new one recorded for the file. Refuses (with a
 * conflict error) while another import of the incident is running. Each batch commits on its
 * own, so a failure or cancellation keeps the rows before it and records the line it stopped
 * at; importing the same file again creates nobody (every row counts as updated).
 * created + updated + duplicates = accepted; a rejected row counts under each of its reasons.
 */
export async function importPeopleFile(deps: Deps, options: ImportPeopleOptions): Promise<ImportSummary> {
  const { db, clock } = deps;
  const { id: importId, incidentId, file } = await startRun(deps, options);
  const run = new ImportRun(deps, {
    importId,
    incidentId,
    columns: file.columns,
    reportPath: `${file.path.replace(/\.(csv|txt|tsv)$/i, "")}.errors.csv`,
    batchRows: options.batchRows,
    onProgress: options.onProgress,
  });
  let status: ImportSummary["status"] = "completed";
  let message = "";
  let stoppedAtLine: number | null = null;
  try {
    let isHeader = true;
    for await (const records of readCsvFile(file.path, { encoding: file.encoding })) {
      for (const record of records) {
        if (isHeader) {
          isHeader = false;
          continue;
        }
        if (run.isBatchFull()) await run.flush();
        if (options.signal?.aborted) throw new ImportCancelled();
        run.take(record);
      }
    }
    await run.flush();
  } catch (error) {
    status = error instanceof ImportCancelled ? "cancelled" : "failed";
    message = error instanceof ImportCancelled ? "Cancelled." : `The import stopped: ${(error as Error).message}`;
    stoppedAtLine = run.committedLine ?? file.headerLine;
  } finally {
    await run.closeReport();
  }
  const now = clock.now();
  const counts = run.committed;
  await finishImport(db.prisma, importId, {
    ...counts,
    status,
    stoppedAtLine,
    message,
    errorReportPath: run.reportPath,
    finishedAt: now,
    updatedAt: now,
  });
  return {
    importId,
    status,
    encoding: file.encoding,
    delimiter: file.delimiter,
    read: counts.rowsRead,
    accepted: counts.accepted,
    created: counts.created,
    updated: counts.updated,
    duplicates: counts.duplicates,
    rejected: counts.rejected,
    reasons: JSON.parse(counts.reasons),
    stoppedAtLine,
    message,
    errorReportPath: run.reportPath,
  };
}

class ImportCancelled extends Error {}
