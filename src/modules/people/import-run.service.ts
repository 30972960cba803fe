import { randomUUID } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import type { Clock } from "../../lib/clock.js";
import { csvCell } from "../../lib/csv-cells.js";
import type { CsvRecord } from "../../lib/csv-reader.js";
import { AppError } from "../../lib/errors.js";
import type { PeopleWriter, PersonUpsertRow } from "./people-bulk.sql.js";
import { type ColumnMapping, resolveMapping } from "./person-fields.policy.js";
import type { ImportCounts } from "./person-import.repository.js";
import { mergePersonRows, type PersonRow, type RejectReason, reasonMessages, validateRecord } from "./person-row.policy.js";
import type { ImportWarning } from "./person-warnings.policy.js";

/** A rejected row's own words for some of its reasons (which column, which character). */
type RowNotes = Partial<Record<RejectReason, string>>;

/**
 * Rows per batch, each written in one transaction with the import's checkpoint. Measured in
 * bench/import.ts (time-ordered ids): 1,000 to 10,000 ran at the same speed, but a batch's rows
 * live until it is written, so larger batches leave more for the garbage collector to find
 * late (peak RSS of a 1,000,000-row import: 2,000 rows about 255 MB; 10,000 over 300 MB).
 */
export const IMPORT_BATCH_ROWS = 2000;

export interface ImportProgress {
  importId: string;
  rowsRead: number;
  accepted: number;
  rejected: number;
  elapsedMs: number;
}

/** Where an earlier run of the import stopped: its last checkpoint. */
export interface ResumePoint extends ImportCounts {
  lastLine: number;
}

export interface ImportRunOptions {
  importId: string;
  incidentId: string;
  runNumber: number;
  /** Writes the batches (one per run, for its prepared statements). */
  writer: PeopleWriter;
  /** Header -> field, applied to the header row the run reads first (readHeader). */
  mapping: Record<string, string>;
  reportPath: string;
  /** The bytes of the file read so far. */
  bytesRead(): number;
  /** Continue after an earlier run's checkpoint instead of from the first row. */
  resumeFrom?: ResumePoint;
  batchRows?: number;
  /** Called after each committed batch; the run waits for a promise it returns. */
  onProgress?(progress: ImportProgress): unknown;
}

let lastIdMs = 0;
let idSequence = 0;

/**
 * A new person id that sorts by creation (the UUIDv7 layout: milliseconds, then a sequence
 * within the millisecond, then random bits). Measured in bench/import.ts: random UUIDs as the
 * primary key put each row of a batch on a different index page, so every commit wrote most of
 * the index again; ids in creation order fill one page after another.
 */
export function newPersonId(nowMs = Date.now()): string {
  if (nowMs > lastIdMs) {
    lastIdMs = nowMs;
    idSequence = 0;
  } else if (++idSequence > 0xfff) {
    lastIdMs++;
    idSequence = 0;
  }
  const time = lastIdMs.toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8)}-7${idSequence.toString(16).padStart(3, "0")}-${randomUUID().slice(19)}`;
}

/** Counts by code as stored on the record (reasons, warnings); anything unreadable is none. */
function parseCounts<Code extends string>(text: string): Partial<Record<Code, number>> {
  try {
    return JSON.parse(text) as Partial<Record<Code, number>>;
  } catch {
    return {};
  }
}

/**
 * The state of one run of an import: the batch being gathered and the counts committed so far.
 * Valid rows are merged by unique key within the batch; flush() writes the batch and the
 * import's checkpoint (counts, last line, bytes read) in one transaction, then the batch's
 * rejected rows to the error report. A run that continues after an earlier one's checkpoint
 * starts from its counts, and the rows up to its last line only rebuild the error report.
 */
export class ImportRun {
  private batch = new Map<string, PersonRow>();
  private batchReport: string[] = [];
  /** Report lines of replayed rows: already counted, so written whatever happens next. */
  private replayReport: string[] = [];
  private batchLine: number | null = null;
  private counts: Omit<ImportCounts, "reasons" | "warnings">;
  private reasons: Partial<Record<RejectReason, number>>;
  private warnings: Partial<Record<ImportWarning, number>>;
  private report: WriteStream | null = null;
  private readonly startedMs = Date.now();
  private readonly batchRows: number;
  /** Counts as of the last committed batch: what the database holds. */
  committed: ImportCounts;
  /** The last line of the last committed batch (null before the first). */
  committedLine: number | null;
  reportPath: string | null = null;
  /** The header row's physical line, once read (1 until then). */
  headerLine = 1;
  private columns: ColumnMapping | null = null;

  constructor(
    private readonly deps: { clock: Clock },
    private readonly options: ImportRunOptions,
  ) {
    this.batchRows = options.batchRows ?? IMPORT_BATCH_ROWS;
    const { lastLine, reasons, warnings, ...counts } = options.resumeFrom ?? {
      rowsRead: 0,
      accepted: 0,
      created: 0,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      reasons: "{}",
      warnings: "{}",
      lastLine: null,
    };
    this.counts = counts;
    this.reasons = parseCounts(reasons);
    this.warnings = parseCounts(warnings);
    this.committed = { ...counts, reasons, warnings };
    this.committedLine = lastLine;
  }

  /** Reads the header row: the columns the stored mapping names, in this file's order. */
  readHeader(record: CsvRecord): void {
    if (record.error) throw new AppError("validation", "The header row cannot be read: a quote mark is out of place.");
    this.columns = resolveMapping(record.fields, this.options.mapping);
    this.headerLine = record.line;
  }

  get hasHeader(): boolean {
    return this.columns !== null;
  }

  /** True for a row an earlier run already counted and wrote (its checkpoint covers it). */
  isDone(record: CsvRecord): boolean {
    return this.options.resumeFrom !== undefined && record.line <= this.options.resumeFrom.lastLine;
  }

  isBatchFull(): boolean {
    // Rejected rows count too, so a file of nothing but bad rows still reports as it goes.
    return this.batch.size + this.batchReport.length >= this.batchRows;
  }

  /** Re-reads a row an earlier run counted: only its line in the error report is rebuilt. */
  async replay(record: CsvRecord): Promise<void> {
    const verdict = validateRecord(record, this.columns!);
    if (verdict.ok) return;
    this.replayReport.push(this.reportLine(verdict.line, verdict.raw, verdict.reasons, verdict.notes));
    if (this.replayReport.length >= this.batchRows) await this.writeReplayReport();
  }

  take(record: CsvRecord): void {
    this.counts.rowsRead++;
    this.batchLine = record.line;
    const verdict = validateRecord(record, this.columns!);
    if (!verdict.ok) {
      this.counts.rejected++;
      for (const reason of verdict.reasons) this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
      this.batchReport.push(this.reportLine(verdict.line, verdict.raw, verdict.reasons, verdict.notes));
      return;
    }
    this.counts.accepted++;
    for (const warning of verdict.warnings) this.warnings[warning] = (this.warnings[warning] ?? 0) + 1;
    const earlier = this.batch.get(verdict.person.uniqueKey);
    if (earlier) this.counts.duplicates++;
    this.batch.set(verdict.person.uniqueKey, earlier ? mergePersonRows(earlier, verdict.person) : verdict.person);
  }

  /**
   * Writes the gathered rows and the checkpoint in one transaction, then the batch's rejected
   * rows to the report. Throws ImportCheckpointRefused (nothing written) when the import is no
   * longer running under this run.
   */
  async flush(): Promise<void> {
    const { clock } = this.deps;
    const { importId, incidentId, runNumber } = this.options;
    if (this.batchLine === null) return;
    const rows: PersonUpsertRow[] = [];
    for (const person of this.batch.values()) {
      const { attributes, warnings, ...columns } = person;
      rows.push({
        ...columns,
        id: newPersonId(),
        incidentId,
        attributes: JSON.stringify(attributes),
        warnings: JSON.stringify(warnings),
        importId,
      });
    }
    const reasons = JSON.stringify(this.reasons);
    const warnings = JSON.stringify(this.warnings);
    const lastLine = this.batchLine;
    const result = await this.options.writer.upsert(rows, clock.now(), {
      checkpoint: (batch) => ({
        importId,
        runNumber,
        ...this.counts,
        created: this.counts.created + batch.created,
        updated: this.counts.updated + batch.updated,
        duplicates: this.counts.duplicates + batch.repeated,
        reasons,
        warnings,
        lastLine,
        bytesRead: this.options.bytesRead(),
      }),
    });
    this.counts.created += result.created;
    this.counts.updated += result.updated;
    this.counts.duplicates += result.repeated;
    this.batch.clear();
    this.batchLine = null;
    this.committed = { ...this.counts, reasons, warnings };
    this.committedLine = lastLine;
    await this.writeReplayReport();
    await this.writeReport(this.batchReport);
    this.batchReport = [];
    await this.options.onProgress?.({
      importId,
      rowsRead: this.counts.rowsRead,
      accepted: this.counts.accepted,
      rejected: this.counts.rejected,
      elapsedMs: Date.now() - this.startedMs,
    });
  }

  private reportLine(line: number, raw: string, reasons: RejectReason[], notes: RowNotes = {}): string {
    const explanation = reasons.map((r) => notes[r] ?? reasonMessages[r]).join(" ");
    return [String(line), raw, reasons.join(" "), explanation].map(csvCell).join(",");
  }

  private async writeReplayReport(): Promise<void> {
    await this.writeReport(this.replayReport);
    this.replayReport = [];
  }

  /** Appends lines to the error report (created with its header at the first). */
  private async writeReport(lines: string[]): Promise<void> {
    if (!lines.length) return;
    if (!this.report) {
      this.report = createWriteStream(this.options.reportPath, { flags: "w" });
      this.reportPath = this.options.reportPath;
      // A byte order mark so spreadsheets read the report as UTF-8; CRLF as RFC 4180 has it.
      lines = ["\uFEFFline,row,reason,explanation", ...lines];
    }
    if (!this.report.write(`${lines.join("\r\n")}\r\n`)) {
      await new Promise<void>((done) => this.report!.once("drain", done));
    }
  }

  /** Writes the report lines of rows replayed so far and closes the report; an unwritten batch's stay out. */
  async closeReport(): Promise<void> {
    await this.writeReplayReport();
    const report = this.report;
    if (!report) return;
    await new Promise<void>((done, fail) => report.end((error?: Error | null) => (error ? fail(error) : done())));
  }
}
