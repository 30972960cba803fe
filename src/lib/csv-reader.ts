import { Parser } from "csv-parse";

// Reading CSV (RFC 4180) with csv-parse, for every import that takes a CSV file: records keep
// the physical line they start on and their text as written, so a report can point at the line
// a spreadsheet shows and quote the row. What csv-parse does not do is ours: choosing the
// delimiter from the header line, and going on after a broken quote.

export type CsvDelimiter = "," | ";" | "\t";

/** A quoting problem that makes a record's fields unreliable: reported, never guessed at. */
export type CsvRecordError = "unclosed_quote" | "text_after_quote";

/** One record: its starting physical line, its fields, and its text as written (without the line end). */
export interface CsvRecord {
  line: number;
  fields: string[];
  raw: string;
  error?: CsvRecordError;
}

/**
 * A record longer than this (in UTF-8 bytes) is taken to hold a stray quote mark: its first
 * line is reported on its own and reading resumes on the next line, so one bad quote cannot
 * swallow the rest of a file (or all memory).
 */
export const MAX_RECORD_CHARS = 1024 * 1024;

const DELIMITERS: CsvDelimiter[] = [",", ";", "\t"];

/** The delimiter the header line uses most (outside quotes); comma when it has none. */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let inQuotes = false;
  for (const c of text) {
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === "\n" || c === "\r")) break;
    else if (!inQuotes && counts.has(c as CsvDelimiter)) counts.set(c as CsvDelimiter, counts.get(c as CsvDelimiter)! + 1);
  }
  let best: CsvDelimiter = ",";
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** csv-parse's errors for text after a closing quote (`"a"b`); any other stop is a quote never closed. */
const TEXT_AFTER_QUOTE_ERRORS = new Set(["CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE", "CSV_INVALID_CLOSING_QUOTE"]);

interface ParsedRecord {
  record: string[];
  raw: string;
}

/**
 * csv-parse's options: fields of any count (the caller judges the count), spaces around a
 * quoted field are padding (ltrim, rtrim; values are trimmed by every caller anyway), a quote
 * inside an unquoted field is text (relax_quotes), and CRLF,
 * LF and a lone CR all end a record, mixed in one file. Blank lines are kept here (with their
 * raw text) so every line is counted, then dropped by the reader.
 */
function newParser(delimiter: CsvDelimiter): Parser {
  const parser = new Parser({
    delimiter,
    // raw, not info: info's object per record cost a quarter of the parse (measured on bench/import.ts's rows).
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    ltrim: true,
    rtrim: true,
    record_delimiter: ["\r\n", "\n", "\r"],
    max_record_size: MAX_RECORD_CHARS,
  });
  // An error is read from parser.errored after each write (the parser runs synchronously there).
  parser.on("error", () => {});
  return parser;
}

/** Counts line breaks (CRLF, LF or lone CR) in text. */
function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count++;
  for (let i = text.indexOf("\r"); i !== -1; i = text.indexOf("\r", i + 1)) if (text.charCodeAt(i + 1) !== 10) count++;
  return count;
}

/** The record's text without its line end (csv-parse's raw keeps only the CR of a CRLF). */
function withoutLineEnd(raw: string): string {
  if (raw.endsWith("\r\n")) return raw.slice(0, -2);
  return raw.endsWith("\n") || raw.endsWith("\r") ? raw.slice(0, -1) : raw;
}

/**
 * A CSV reader fed text in pieces: push() returns the records the text completed, end() the
 * rest. Blank lines are skipped. Where csv-parse stops at a broken record (a quote never closed,
 * a record past MAX_RECORD_CHARS, text after a closing quote), that record's first physical
 * line is handed out alone with the error, and reading resumes on the next line in a new
 * parser over the text after it.
 */
export class CsvRecordReader {
  private parser: Parser | null = null;
  private delimiter: CsvDelimiter | undefined;
  /** Text seen before the delimiter is known (the first line is not complete yet). */
  private pending = "";
  /** What the current parser was given and has not attributed to a record yet, from byte `fedBase`. */
  private fed: Buffer[] = [];
  private fedBase = 0;
  private consumed = 0;
  private line = 1;
  private isFirst = true;

  constructor(private readonly options: { delimiter?: CsvDelimiter; onDelimiter?(delimiter: CsvDelimiter): void } = {}) {
    this.delimiter = options.delimiter;
  }

  push(text: string): CsvRecord[] {
    if (this.isFirst && text) {
      this.isFirst = false;
      // A byte order mark left by the decoder (text read whole) is not part of the header.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!this.parser) {
      this.pending += text;
      // Wait for the whole first line before guessing the delimiter from it.
      if (!/[\r\n]/.test(this.pending) && this.pending.length < MAX_RECORD_CHARS) return [];
      return this.start();
    }
    const out: CsvRecord[] = [];
    this.feed(Buffer.from(text), out);
    return out;
  }

  end(): CsvRecord[] {
    const out = this.parser ? [] : this.start();
    for (;;) {
      const parser = this.parser!;
      parser.end();
      this.drain(out);
      if (!parser.errored) return out;
      this.recover(out);
    }
  }

  private start(): CsvRecord[] {
    this.delimiter ??= detectDelimiter(this.pending);
    this.options.onDelimiter?.(this.delimiter);
    this.parser = newParser(this.delimiter);
    const out: CsvRecord[] = [];
    this.feed(Buffer.from(this.pending), out);
    this.pending = "";
    return out;
  }

  private feed(bytes: Buffer, out: CsvRecord[]): void {
    if (!bytes.length) return;
    this.fed.push(bytes);
    this.parser!.write(bytes);
    this.drain(out);
    if (this.parser!.errored) this.recover(out);
  }

  private drain(out: CsvRecord[]): void {
    const parser = this.parser!;
    for (let parsed = parser.read() as ParsedRecord | null; parsed !== null; parsed = parser.read() as ParsedRecord | null) {
      const raw = withoutLineEnd(parsed.raw);
      const line = this.line;
      this.line += countLineBreaks(raw) + (raw.length < parsed.raw.length ? 1 : 0);
      this.consumed += Buffer.byteLength(parsed.raw);
      // csv-parse's raw keeps only the CR of a CRLF: the LF is the next byte it read.
      if (parsed.raw.endsWith("\r") && this.byteAt(this.consumed) === 10) this.consumed++;
      const fields = parsed.record;
      // A blank line (or one of spaces) is no record; a quoted empty field ("") is one.
      if (fields.length === 1 && fields[0] === "" && raw.trim() === "") continue;
      out.push({ line, fields, raw });
    }
    while (this.fed.length && this.fedBase + this.fed[0]!.length <= this.consumed) this.fedBase += this.fed.shift()!.length;
  }

  /** The byte at `offset` of what the current parser was given, or -1. */
  private byteAt(offset: number): number {
    let at = offset - this.fedBase;
    for (const chunk of this.fed) {
      if (at < chunk.length) return chunk[at]!;
      at -= chunk.length;
    }
    return -1;
  }

  /** The parser stopped at the record after the last one read: its first line alone, then a new parser. */
  private recover(out: CsvRecord[]): void {
    const rest = Buffer.concat(this.fed)
      .subarray(this.consumed - this.fedBase)
      .toString("utf8");
    let end = 0;
    while (end < rest.length && rest[end] !== "\n" && rest[end] !== "\r") end++;
    const next = rest[end] === "\r" && rest[end + 1] === "\n" ? end + 2 : Math.min(end + 1, rest.length);
    const raw = rest.slice(0, end);
    const code = (this.parser!.errored as { code?: string }).code ?? "";
    out.push({
      line: this.line,
      fields: [raw],
      raw,
      error: TEXT_AFTER_QUOTE_ERRORS.has(code) ? "text_after_quote" : "unclosed_quote",
    });
    if (next > end) this.line++;
    this.parser = newParser(this.delimiter!);
    this.fed = [];
    this.fedBase = 0;
    this.consumed = 0;
    this.feed(Buffer.from(rest.slice(next)), out);
  }
}

/**
 * Parses decoded text chunks into records, handed out as arrays (one per chunk, which keeps the
 * per-record cost of async iteration away).
 */
export async function* parseCsvChunks(
  chunks: AsyncIterable<string>,
  options: { delimiter?: CsvDelimiter; onDelimiter?(delimiter: CsvDelimiter): void } = {},
): AsyncGenerator<CsvRecord[]> {
  const reader = new CsvRecordReader(options);
  for await (const chunk of chunks) {
    const records = reader.push(chunk);
    if (records.length) yield records;
  }
  const records = reader.end();
  if (records.length) yield records;
}

/** Every record of a text held whole (a small upload), and the delimiter used. */
export function parseCsvText(text: string, delimiter?: CsvDelimiter): { delimiter: CsvDelimiter; records: CsvRecord[] } {
  let used: CsvDelimiter = delimiter ?? ",";
  const reader = new CsvRecordReader({ delimiter, onDelimiter: (d) => (used = d) });
  const records = [...reader.push(text), ...reader.end()];
  return { delimiter: used, records };
}
