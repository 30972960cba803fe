import { csvCell } from "../../lib/csv-cells.js";
import { type CsvDelimiter, type CsvRecord, type CsvRecordError, parseCsvText } from "../../lib/csv-reader.js";
import { AppError } from "../../lib/errors.js";
import { parseInstant } from "../../lib/instants.js";
import { findUnsafeCharacter, unsafeCharacterMessage } from "../../lib/text-safety.js";
import { type TimelineKind, timelineKindIds, timelineKinds } from "./timeline-kinds.policy.js";

/**
 * Reading a CSV of timeline events: records read by lib/csv-reader.ts, a header naming the
 * columns, and one verdict per row (an event, or the reasons it cannot be one). Pure: no
 * database, no clock.
 */

export const MAX_DESCRIPTION_LENGTH = 5000;

const delimiterNames: Record<CsvDelimiter, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

/** What a quoting problem means, in the words of the error report. */
const recordErrorMessages: Record<CsvRecordError, string> = {
  unclosed_quote: "A quoted field is never closed: a quote mark is missing.",
  text_after_quote: "Text follows a closing quote mark; put the whole field in quotes.",
};

type Column = "timestamp" | "kind" | "description";

/** Header names accepted for each column, lower-cased. */
const columnAliases: Record<Column, string[]> = {
  timestamp: ["timestamp", "time", "when"],
  kind: ["kind", "type", "event"],
  description: ["description"],
};

const kindByName = new Map<string, TimelineKind>(
  timelineKindIds.flatMap((id) => [
    [id, id],
    [timelineKinds[id].toLowerCase(), id],
  ]),
);

/** A kind given by its id or its label, in any case; undefined when it names none. */
export function kindFromText(text: string): TimelineKind | undefined {
  return kindByName.get(text.trim().toLowerCase().replace(/\s+/g, " "));
}

export interface CsvEvent {
  occurredAt: Date;
  occurredZone: string;
  kind: TimelineKind;
  description: string;
}

export type CsvRow =
  | { line: number; raw: string; ok: true; event: CsvEvent }
  | { line: number; raw: string; ok: false; reasons: string[] };

export interface TimelineCsv {
  delimiter: CsvDelimiter;
  /** Set when the file as a whole cannot be read (no header, missing columns): no rows then. */
  fileError: string | null;
  rows: CsvRow[];
  goodCount: number;
  badCount: number;
}

/**
 * Reads a CSV of timeline events: a header row naming timestamp, kind and description (any
 * order, any case, or their aliases), then one event per row. Timestamps without an offset
 * are read in defaultZone and refused when daylight saving makes them missing or ambiguous.
 * Every row gets a verdict; a bad row never stops the others.
 */
export function readTimelineCsv(text: string, defaultZone: string): TimelineCsv {
  const { delimiter, records } = parseCsvText(text);
  const fail = (fileError: string): TimelineCsv => ({ delimiter, fileError, rows: [], goodCount: 0, badCount: 0 });
  const [header, ...body] = records;
  if (!header) return fail("The file is empty.");
  if (header.error) {
    return fail(`The header row (line ${header.line}) could not be read: ${recordErrorMessages[header.error]}`);
  }
  const columns = mapColumns(header.fields);
  if (typeof columns === "string") return fail(columns);
  if (body.length === 0) return fail("The file has a header row but no events below it.");
  const rows = body.map((record) => readRow(record, columns, header.fields.length, delimiter, defaultZone));
  const goodCount = rows.filter((r) => r.ok).length;
  return { delimiter, fileError: null, rows, goodCount, badCount: rows.length - goodCount };
}

/** The position of each column in the header, or a message saying what is wrong with it. */
function mapColumns(names: string[]): Record<Column, number> | string {
  const found: Partial<Record<Column, number>> = {};
  const unknown: string[] = [];
  for (const [index, name] of names.entries()) {
    const key = name.trim().toLowerCase();
    const column = (Object.keys(columnAliases) as Column[]).find((c) => columnAliases[c].includes(key));
    if (!column) unknown.push(name.trim() || `(empty, column ${index + 1})`);
    else if (found[column] !== undefined) return `The header row names the ${column} column twice.`;
    else found[column] = index;
  }
  const missing = (Object.keys(columnAliases) as Column[]).filter((c) => found[c] === undefined);
  if (missing.length || unknown.length) {
    const parts = [
      missing.length ? `it lacks ${missing.join(", ")}` : "",
      unknown.length ? `it has columns Breachdesk does not know: ${unknown.join(", ")}` : "",
    ].filter(Boolean);
    return `The first row must name the columns timestamp, kind and description (in any order), but ${parts.join(" and ")}.`;
  }
  return found as Record<Column, number>;
}

function readRow(
  record: CsvRecord,
  columns: Record<Column, number>,
  width: number,
  delimiter: CsvDelimiter,
  defaultZone: string,
): CsvRow {
  const { line, raw } = record;
  if (record.error) return { line, raw, ok: false, reasons: [recordErrorMessages[record.error]] };
  if (record.fields.length !== width) {
    return {
      line,
      raw,
      ok: false,
      reasons: [
        `Expected ${width} fields separated by ${delimiterNames[delimiter]}s, found ${record.fields.length}. Put a description that contains a ${delimiterNames[delimiter]} in double quotes.`,
      ],
    };
  }
  const reasons: string[] = [];
  const timestamp = record.fields[columns.timestamp]!.trim();
  const kindText = record.fields[columns.kind]!.trim();
  const description = record.fields[columns.description]!.trim();

  let instant: { at: Date; zone: string } | undefined;
  if (!timestamp) reasons.push("The timestamp is empty.");
  else {
    try {
      instant = parseInstant(timestamp, defaultZone, "timestamp");
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const detail = error.fieldErrors.timestamp ?? error.message;
      reasons.push(`Timestamp "${timestamp}": ${detail}`);
    }
  }
  const kind = kindFromText(kindText);
  if (!kindText) reasons.push(`The kind is empty. Use one of: ${timelineKindIds.join(", ")}.`);
  else if (!kind) reasons.push(`Unknown kind "${kindText}". Use one of: ${timelineKindIds.join(", ")}.`);
  const hidden = findUnsafeCharacter(description, "long");
  if (!description) reasons.push("The description is empty.");
  else if (description.length > MAX_DESCRIPTION_LENGTH)
    reasons.push(`The description has ${description.length} characters; at most ${MAX_DESCRIPTION_LENGTH} are allowed.`);
  else if (hidden) reasons.push(unsafeCharacterMessage("The description", hidden));

  if (reasons.length || !instant || !kind) return { line, raw, ok: false, reasons };
  return { line, raw, ok: true, event: { occurredAt: instant.at, occurredZone: instant.zone, kind, description } };
}

/**
 * The rows that cannot be imported, as CSV (line, row, reason) for a spreadsheet: formulas
 * neutralised, CRLF line ends, and a byte order mark so spreadsheets read it as UTF-8.
 */
export function buildErrorReport(rows: CsvRow[]): string {
  const lines = [["line", "row", "reason"].join(",")];
  for (const row of rows) {
    if (row.ok) continue;
    lines.push([String(row.line), row.raw, row.reasons.join(" ")].map(csvCell).join(","));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
