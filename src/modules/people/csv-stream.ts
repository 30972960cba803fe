import { createReadStream } from "node:fs";
import { type CsvDelimiter, detectDelimiter } from "../timeline/timeline-csv.js";
import { createChunkDecoder, READ_CHUNK_BYTES, type TextEncodingName } from "./encoding.js";

/**
 * A streaming RFC 4180 reader: a file of any size is read in chunks and handed out as records
 * in small arrays, so memory stays flat. Quoted fields may hold the delimiter, doubled quotes
 * and line breaks; records end at CRLF, LF or a lone CR; every record keeps the physical line
 * it starts on, so an error report can point at the line a spreadsheet shows.
 */

export type { CsvDelimiter };

/** One record: its starting physical line, its fields, and its text as written. */
export interface CsvRecord {
  line: number;
  fields: string[];
  raw: string;
  /** unclosed_quote | text_after_quote: the fields are unreliable. */
  error?: "unclosed_quote" | "text_after_quote";
}

/**
 * A quoted field still open after this many characters is taken to be a stray quote mark:
 * its line is reported on its own and reading resumes on the next line, so one bad quote
 * cannot swallow the rest of a file (or all memory).
 */
export const MAX_RECORD_CHARS = 1024 * 1024;

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;

interface Parsed {
  record: CsvRecord;
  /** Where the next record starts. */
  next: number;
  /** Line breaks consumed, inside quotes and at the end. */
  lines: number;
}

/** Counts line breaks (CRLF, LF or lone CR) in text[from, to). */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

/** End of the physical line starting at `from`, and where the next line begins. */
function endOfLine(text: string, from: number): { end: number; next: number } {
  let i = from;
  const n = text.length;
  while (i < n && text.charCodeAt(i) !== LF && text.charCodeAt(i) !== CR) i++;
  const next = i < n ? (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? i + 2 : i + 1) : i;
  return { end: i, next };
}

/**
 * Reads one record starting at `start`, or null when the buffer ends before the record does
 * and more text may follow (the caller appends the next chunk and tries again).
 */
function readRecord(text: string, start: number, delimiter: number, line: number, isFinal: boolean): Parsed | null {
  const n = text.length;
  const fields: string[] = [];
  let error: CsvRecord["error"];
  let lines = 0;
  let i = start;
  for (;;) {
    let j = i;
    while (text.charCodeAt(j) === SPACE) j++;
    if (j < n && text.charCodeAt(j) === QUOTE) {
      let k = j + 1;
      let value = "";
      let isClosed = false;
      for (;;) {
        const q = text.indexOf('"', k);
        if (q === -1 || (q + 1 >= n && !isFinal)) break;
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += text.slice(k, q + 1);
          k = q + 2;
          continue;
        }
        value += text.slice(k, q);
        k = q + 1;
        isClosed = true;
        break;
      }
      if (!isClosed) {
        if (!isFinal && n - start < MAX_RECORD_CHARS) return null;
        // A stray quote: report its physical line alone and go on after it.
        const { end, next } = endOfLine(text, start);
        const raw = text.slice(start, end);
        return { record: { line, fields: [raw], raw, error: "unclosed_quote" }, next, lines: next > end ? 1 : 0 };
      }
      lines += countLineBreaks(text, j + 1, k);
      i = k;
      const trailStart = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === delimiter || c === LF || c === CR) break;
        i++;
      }
      if (text.slice(trailStart, i).trim() !== "") {
        error ??= "text_after_quote";
        value += text.slice(trailStart, i);
      }
      fields.push(value);
    } else {
      const fieldStart = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === delimiter || c === LF || c === CR) break;
        i++;
      }
      fields.push(text.slice(fieldStart, i));
    }
    if (i >= n) {
      if (!isFinal) return null;
      break;
    }
    if (text.charCodeAt(i) === delimiter) {
      i++;
      continue;
    }
    break;
  }
  const end = i;
  if (i < n) {
    if (text.charCodeAt(i) === CR) {
      // A CR as the last character may be the first half of a CRLF in the next chunk.
      if (i + 1 >= n && !isFinal) return null;
      i += text.charCodeAt(i + 1) === LF ? 2 : 1;
    } else i++;
    lines++;
  }
  const raw = text.slice(start, end);
  return { record: error ? { line, fields, raw, error } : { line, fields, raw }, next: i, lines };
}

/** Options for reading a CSV file. */
export interface CsvStreamOptions {
  encoding: TextEncodingName;
  /** Detected from the first line (outside quotes) when not given. */
  delimiter?: CsvDelimiter;
  /** Called once, before the first records, with the delimiter in use. */
  onDelimiter?(delimiter: CsvDelimiter): void;
  /** Called after each chunk read from the file with the bytes read so far (for progress). */
  onBytesRead?(bytes: number): void;
}

/**
 * Parses decoded text chunks into records, handed out as arrays (one per chunk, which keeps
 * the per-record cost of async iteration away). Blank lines are skipped; every other line is
 * part of a record.
 */
export async function* parseCsvChunks(
  chunks: AsyncIterable<string>,
  options: { delimiter?: CsvDelimiter; onDelimiter?(delimiter: CsvDelimiter): void } = {},
): AsyncGenerator<CsvRecord[]> {
  let delimiter = options.delimiter;
  let code = 0;
  let buffer = "";
  let line = 1;
  const drain = function* (isFinal: boolean): Generator<CsvRecord> {
    let pos = 0;
    while (pos < buffer.length) {
      const parsed = readRecord(buffer, pos, code, line, isFinal);
      if (!parsed) break;
      pos = parsed.next;
      line += parsed.lines;
      if (parsed.record.raw.trim() === "" && !parsed.record.error) continue;
      yield parsed.record;
    }
    buffer = buffer.slice(pos);
  };
  const start = () => {
    delimiter ??= detectDelimiter(buffer);
    code = delimiter.charCodeAt(0);
    options.onDelimiter?.(delimiter);
  };
  for await (const chunk of chunks) {
    buffer += chunk;
    if (code === 0) {
      // Wait for the whole first line before guessing the delimiter from it.
      if (!/[\r\n]/.test(buffer) && buffer.length < MAX_RECORD_CHARS) continue;
      start();
    }
    const records = [...drain(false)];
    if (records.length) yield records;
  }
  if (code === 0) start();
  const records = [...drain(true)];
  if (records.length) yield records;
}

/** Decodes a file chunk by chunk in the given encoding. */
export async function* readTextChunks(
  path: string,
  encoding: TextEncodingName,
  onBytesRead?: (bytes: number) => void,
): AsyncGenerator<string> {
  const decoder = createChunkDecoder(encoding);
  let total = 0;
  for await (const bytes of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) {
    total += (bytes as Buffer).length;
    onBytesRead?.(total);
    const text = decoder.write(bytes as Buffer);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** Streams the records of a CSV file in the given encoding. */
export function readCsvFile(path: string, options: CsvStreamOptions): AsyncGenerator<CsvRecord[]> {
  return parseCsvChunks(readTextChunks(path, options.encoding, options.onBytesRead), options);
}
