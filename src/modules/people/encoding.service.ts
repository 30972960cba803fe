import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { AppError } from "../../lib/errors.js";

/**
 * Which text encoding an uploaded CSV uses, and decoding it chunk by chunk. Spreadsheets on
 * Windows still save "CSV" as Windows-1252 or UTF-16, so a file that is not valid UTF-8 is
 * converted rather than refused, and the import names the encoding it used.
 */

export type TextEncodingName = "utf-8" | "utf-8-bom" | "windows-1252" | "utf-16le" | "utf-16be";

/**
 * Bytes read at a time. Small enough that a decoded chunk, even at two bytes a character (text
 * that is not all ASCII), stays under V8's large-object size (128 KB) and dies young: 256 KB
 * chunks made large strings that only a full garbage collection frees (measured in
 * bench/import.ts: a higher peak RSS for the same speed).
 */
export const READ_CHUNK_BYTES = 32 * 1024;

/**
 * Windows-1252 differs from ISO-8859-1 only in 0x80-0x9F. Node 20's TextDecoder("windows-1252")
 * decodes those bytes as C1 control characters (checked: 0x80 gives U+0080, not €), so the
 * table is applied here. Undefined bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) keep their C1 value.
 */
const CP1252_HIGH =
  "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
  "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

/** Decodes Windows-1252 bytes (every byte is one character, so chunks split anywhere). */
export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  return latin1.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

/** A stateful decoder for one encoding: feed chunks in order, then call end(). */
export interface ChunkDecoder {
  write(bytes: Uint8Array): string;
  end(): string;
}

/** A decoder for the encoding; byte order marks are dropped. */
export function createChunkDecoder(encoding: TextEncodingName): ChunkDecoder {
  if (encoding === "windows-1252") return { write: decodeWindows1252, end: () => "" };
  const label = encoding === "utf-8-bom" ? "utf-8" : encoding;
  // ignoreBOM false: the decoder consumes a leading byte order mark instead of returning it.
  const decoder = new TextDecoder(label, { ignoreBOM: false });
  return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
}

/** What the first bytes say about the encoding: a byte order mark, or UTF-16 without one. */
function sniffEncoding(head: Uint8Array): TextEncodingName | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8-bom";
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  // UTF-16 without a mark: ASCII text then has a zero in every other byte.
  const pairs = Math.floor(Math.min(head.length, 1024) / 2);
  if (pairs >= 4) {
    let evenZero = 0;
    let oddZero = 0;
    for (let i = 0; i < pairs; i++) {
      if (head[2 * i] === 0) evenZero++;
      if (head[2 * i + 1] === 0) oddZero++;
    }
    if (oddZero > pairs * 0.4 && evenZero === 0) return "utf-16le";
    if (evenZero > pairs * 0.4 && oddZero === 0) return "utf-16be";
  }
  return null;
}

/**
 * The encoding of a file: a byte order mark decides; otherwise the whole file is checked as
 * UTF-8 (one streaming pass, since an invalid byte may sit on the last line) and read as
 * Windows-1252 when it is not. Refuses a file with NUL bytes in a byte encoding: not a CSV.
 */
export async function detectFileEncoding(path: string): Promise<TextEncodingName> {
  const handle = await open(path, "r");
  let head: Uint8Array;
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const sniffed = sniffEncoding(head);
  if (sniffed && sniffed !== "utf-8-bom") return sniffed;
  if (head.includes(0)) {
    throw new AppError("validation", "The file contains NUL bytes: it looks like a binary file, not a CSV text file.");
  }
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) {
      utf8.decode(chunk as Buffer, { stream: true });
    }
    utf8.decode();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return "windows-1252";
  }
  return sniffed ?? "utf-8";
}

/** Human name of an encoding, for messages. */
export function describeEncoding(encoding: TextEncodingName): string {
  const names: Record<TextEncodingName, string> = {
    "utf-8": "UTF-8",
    "utf-8-bom": "UTF-8 with a byte order mark",
    "windows-1252": "Windows-1252 (converted to UTF-8)",
    "utf-16le": "UTF-16 little-endian (converted to UTF-8)",
    "utf-16be": "UTF-16 big-endian (converted to UTF-8)",
  };
  return names[encoding];
}
