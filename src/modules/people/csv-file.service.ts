import { createReadStream } from "node:fs";
import { type CsvDelimiter, type CsvRecord, parseCsvChunks } from "../../lib/csv-reader.js";
import { createChunkDecoder, READ_CHUNK_BYTES, type TextEncodingName } from "./encoding.service.js";

/**
 * A people file read as a stream: decoded chunk by chunk in its detected encoding, then read
 * into records by lib/csv-reader.ts, handed out in small arrays so memory stays flat.
 */

export type { CsvDelimiter, CsvRecord };

/** Options for reading a people file. */
export interface CsvFileOptions {
  encoding: TextEncodingName;
  /** Detected from the first line (outside quotes) when not given. */
  delimiter?: CsvDelimiter;
  /** Called once, before the first records, with the delimiter in use. */
  onDelimiter?(delimiter: CsvDelimiter): void;
  /** Called after each chunk read from the file with the bytes read so far (for progress). */
  onBytesRead?(bytes: number): void;
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
export function readCsvFile(path: string, options: CsvFileOptions): AsyncGenerator<CsvRecord[]> {
  return parseCsvChunks(readTextChunks(path, options.encoding, options.onBytesRead), options);
}
