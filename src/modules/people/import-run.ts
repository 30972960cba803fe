import { createWriteStream, type WriteStream } from "node:fs";
import type { Database } from "../../db/client.js";
import { type PersonUpsertRow, upsertPeople } from "../../db/dialect.js";
import type { Clock } from "../../lib/clock.js";
import { newId } from "../../lib/ids.js";
import { neutraliseCell } from "../timeline/timeline-csv.js";
import type { CsvRecord } from "./csv-stream.js";
import { type ImportCounts, saveImportProgress } from "./person-import.repository.js";
import {
  type ColumnMapping,
  mergePersonRows,
  type PersonRow,
  type RejectReason,
  reasonMessages,
  validateRecord,
} from "./person-row.js";

/** Valid rows per upsert transaction: measured in bench/import.ts, larger batches gained nothing. */
export const IMPORT_BATCH_ROWS = 5000;

export interface ImportProgress {
  importId: string;
  rowsRead: number;
  accepted: number;
  rejected: number;
  elapsedMs: number;
}

export interface ImportRunOptions {
  importId: string;
  incidentId: string;
  columns: ColumnMapping;
  reportPath: string;
  batchRows?: number;
  onProgress?(progress: ImportProgress): void;
}

/** Quotes a cell for the error report, neutralising what a spreadsheet would run as a formula. */
function reportCell(value: string): string {
  const safe = neutraliseCell(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The state of one running import: the batch being gathered and the counts committed so far.
 * Valid rows are merged by unique key within the batch; flush() writes the batch in one
 * transaction, then the batch's rejected rows to the error report, then the progress.
 */
export class ImportRun {
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
    private readonly deps: { db: Database; clock: Clock },
    private readonly options: ImportRunOptions,
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
    const verdict = validateRecord(record, this.options.columns);
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
    const { importId, incidentId } = this.options;
    const now = clock.now();
    if (this.batch.size) {
      const rows: PersonUpsertRow[] = [];
      for (const person of this.batch.values()) {
        rows.push({ ...person, id: newId(), incidentId, attributes: JSON.stringify(person.attributes), importId });
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
    await saveImportProgress(db.prisma, importId, this.committed, now);
    this.options.onProgress?.({
      importId,
      rowsRead: this.counts.rowsRead,
      accepted: this.counts.accepted,
      rejected: this.counts.rejected,
      elapsedMs: Date.now() - this.startedMs,
    });
  }

  private async writeReport(lines: string[]): Promise<void> {
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

  async closeReport(): Promise<void> {
    const report = this.report;
    if (!report) return;
    await new Promise<void>((done, fail) => report.end((error?: Error | null) => (error ? fail(error) : done())));
  }
}
