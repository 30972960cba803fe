import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { CsvRecord } from "../../lib/csv-reader.js";
import { AppError } from "../../lib/errors.js";
import { readCsvFile } from "./csv-file.service.js";
import { detectFileEncoding, type TextEncodingName } from "./encoding.service.js";

/** What an import needs to know about its file before reading its rows: worked out once, when it is recorded. */
export interface ImportFile {
  path: string;
  bytes: number;
  encoding: TextEncodingName;
  delimiter: string;
  /** The physical line of the header row (1 unless blank lines come first). */
  headerLine: number;
  /** The header row's column names, trimmed. */
  headers: string[];
}

/**
 * Reads a file's size, encoding (one pass over the file) and header row. Throws a validation
 * error, naming the file, when it cannot be read, is empty, or its header row is broken.
 */
export async function inspectImportFile(filePath: string): Promise<ImportFile> {
  const path = resolve(filePath);
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error("not a file");
    const encoding = await detectFileEncoding(path);
    let delimiter = ",";
    let header: CsvRecord | undefined;
    for await (const records of readCsvFile(path, { encoding, onDelimiter: (d) => (delimiter = d) })) {
      header = records[0];
      break;
    }
    if (!header) throw new AppError("validation", `The file ${basename(path)} is empty: it has no header row.`);
    if (header.error) {
      throw new AppError("validation", `The header row of ${basename(path)} cannot be read: a quote mark is out of place.`);
    }
    const headers = header.fields.map((h) => h.trim());
    return { path, bytes: info.size, encoding, delimiter, headerLine: header.line, headers };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("validation", `Cannot read ${filePath}: ${(error as Error).message}`);
  }
}

/** The first rows of a recorded file (the header row first), for the mapping page. */
export async function readPreviewRows(
  path: string,
  encoding: TextEncodingName,
  delimiter: string,
  rowCount: number,
): Promise<CsvRecord[]> {
  const rows: CsvRecord[] = [];
  const known = delimiter === "," || delimiter === ";" || delimiter === "\t" ? delimiter : undefined;
  for await (const records of readCsvFile(path, { encoding, delimiter: known })) {
    for (const record of records) {
      rows.push(record);
      if (rows.length > rowCount) return rows;
    }
  }
  return rows;
}
