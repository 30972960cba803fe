import { createWriteStream, type WriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { Database } from "../../db/client.js";
import { type PersonUpsertRow, upsertPeople } from "../../db/dialect.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { neutraliseCell } from "../timeline/timeline-csv.js";
import { type CsvRecord, readCsvFile } from "./csv-stream.js";
import { detectFileEncoding, type TextEncodingName } from "./encoding.js";
import {
  createRunningImport,
  findRunningImport,
  finishImport,
  type ImportCounts,
  lockIncidentForImport,
  STALE_RUNNING_IMPORT_MS,
  saveImportProgress,
} from "./person-import.repository.js";
import {
  type ColumnMapping,
  mergePersonRows,
  type PersonRow,
  type RejectReason,
  reasonMessages,
  resolveMapping,
  validateRecord,
} from "./person-row.js";

/**
 * Importing a CSV of affected people into an incident: the file is streamed, every row gets a
 * verdict, valid rows are merged by unique key and upserted in batches that each commit on
 * their own, rejected rows go to an error report next to the file, and the PersonImport record
 * carries the counts. Lifecycle: running -> completed | failed | cancelled.
 */

/** Valid rows per upsert transaction: measured in bench/import.ts, larger batches gained nothing. */
export const IMPORT_BATCH_ROWS = 5000;

export interface ImportProgress {
  importId: string;
  rowsRead: number;
  accepted: number;
  rejected: number;
  elapsedMs: number;
}

export interface ImportPeopleOptions {
  incidentId: string;
  filePath: string;
  /** The name the user knows the file by; defaults to the file's base name. */
  fileName?: string;
  /** Header -> field, overriding the guesses from header names. */
  mapping?: Record<string, string>;
  createdById?: string | null;
  batchRows?: number;
  /** Aborting cancels the import after the batch being written. */
  signal?: AbortSignal;
  /** Called after each committed batch. */
  onProgress?(progress: ImportProgress): void;
}

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

/**
 * Imports a CSV file of people into an incident and returns the final counts. Refuses (with a
 * conflict error) while another import of the incident is running. Each batch commits on its
 * own, so a failure or cancellation keeps the rows before it and records the line it stopped
 * at; importing the same file again creates nobody (every row counts as updated).
 * created + updated + duplicates = accepted; a rejected row counts under each of its reasons.
 */
export async function importPeopleFile(deps: Deps, options: ImportPeopleOptions): Promise<ImportSummary> {
  const { db, clock } = deps;
  const file = await prepareImportFile(options.filePath, options.mapping);
  const importId = newId();
  const startedAt = clock.now();
  await db.prisma.$transaction(async (tx) => {
    if (!(await lockIncidentForImport(tx, options.incidentId))) throw new AppError("not_found", "No such incident.");
    const running = await findRunningImport(tx, options.incidentId, new Date(startedAt.getTime() - STALE_RUNNING_IMPORT_MS));
    if (running) {
      throw new AppError("conflict", `Another import of this incident (${running.fileName}) is running; try again when it ends.`);
    }
    await createRunningImport(tx, {
      id: importId,
      incidentId: options.incidentId,
      fileName: options.fileName ?? basename(file.path),
      filePath: file.path,
      fileBytes: BigInt(file.bytes),
      encoding: file.encoding,
      delimiter: file.delimiter,
      mapping: JSON.stringify(Object.fromEntries(file.columns.headers.map((h, i) => [h, file.columns.fields[i]]))),
      createdById: options.createdById ?? null,
      createdAt: startedAt,
      startedAt,
      updatedAt: startedAt,
    });
  });
  const run = new ImportRun(deps, importId, options, file.columns, `${file.path.replace(/\.(csv|txt|tsv)$/i, "")}.errors.csv`);
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

/** Quotes a cell for the error report, neutralising what a spreadsheet would run as a formula. */
function reportCell(value: string): string {
  const safe = neutraliseCell(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The state of one running import: the batch being gathered and the counts committed so far. */
class ImportRun {
  private batch = new Map<string, PersonRow>();
  private batchReport: string[] = [];
  private batchLine: number | null = null;
  private counts = { rowsRead: 0, accepted: 0, created: 0, updated: 0, duplicates: 0, rejected: 0 };
  private reasons: Partial<Record<RejectReason, number>> = {};
  private report: WriteStream | null = null;
  private readonly startedMs = Date.now();
  private readonly batchRows: number;
  /** Counts as of the last committed batch: what the database holds. */
  committed: ImportCounts = { rowsRead: 0, accepted: 0, created: 0, updated: 0, duplicates: 0, rejected: 0, reasons: "{}" };
  committedLine: number | null = null;
  reportPath: string | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly importId: string,
    private readonly options: ImportPeopleOptions,
    private readonly columns: ColumnMapping,
    private readonly plannedReportPath: string,
  ) {
    this.batchRows = options.batchRows ?? IMPORT_BATCH_ROWS;
  }

  isBatchFull(): boolean {
    // Rejected rows count too, so a file of nothing but bad rows still reports as it goes.
    return this.batch.size + this.batchReport.length >= this.batchRows;
  }

  take(record: CsvRecord): void {
    this.counts.rowsRead++;
    this.batchLine = record.line;
    const verdict = validateRecord(record, this.columns);
    if (!verdict.ok) {
      this.counts.rejected++;
      for (const reason of verdict.reasons) this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
      const explanation = verdict.reasons.map((r) => reasonMessages[r]).join(" ");
      this.batchReport.push(
        [String(verdict.line), verdict.raw, verdict.reasons.join(" "), explanation].map(reportCell).join(","),
      );
      return;
    }
    this.counts.accepted++;
    const earlier = this.batch.get(verdict.person.uniqueKey);
    if (earlier) this.counts.duplicates++;
    this.batch.set(verdict.person.uniqueKey, earlier ? mergePersonRows(earlier, verdict.person) : verdict.person);
  }

  /** Writes the gathered rows in one transaction, then the batch's rejected rows and the progress. */
  async flush(): Promise<void> {
    const { db, clock } = this.deps;
    const now = clock.now();
    if (this.batch.size) {
      const rows: PersonUpsertRow[] = [];
      for (const person of this.batch.values()) {
        rows.push({
          ...person,
          id: newId(),
          incidentId: this.options.incidentId,
          attributes: JSON.stringify(person.attributes),
          importId: this.importId,
        });
      }
      const result = await upsertPeople(db, rows, now);
      this.counts.created += result.created;
      this.counts.updated += result.updated;
      this.counts.duplicates += result.repeated;
      this.batch.clear();
    }
    if (this.batchReport.length) await this.writeReport(this.batchReport);
    this.batchReport = [];
    this.committed = { ...this.counts, reasons: JSON.stringify(this.reasons) };
    this.committedLine = this.batchLine;
    await saveImportProgress(db.prisma, this.importId, this.committed, now);
    this.options.onProgress?.({
      importId: this.importId,
      rowsRead: this.counts.rowsRead,
      accepted: this.counts.accepted,
      rejected: this.counts.rejected,
      elapsedMs: Date.now() - this.startedMs,
    });
  }

  private async writeReport(lines: string[]): Promise<void> {
    if (!this.report) {
      this.report = createWriteStream(this.plannedReportPath, { flags: "w" });
      this.reportPath = this.plannedReportPath;
      // A byte order mark so spreadsheets read the report as UTF-8; CRLF as RFC 4180 has it.
      lines = ["\uFEFFline,row,reason,explanation", ...lines];
    }
    if (!this.report.write(`${lines.join("\r\n")}\r\n`)) {
      await new Promise<void>((done) => this.report!.once("drain", done));
    }
  }

  async closeReport(): Promise<void> {
    const report = this.report;
    if (!report) return;
    await new Promise<void>((done, fail) => report.end((error?: Error | null) => (error ? fail(error) : done())));
  }
}
