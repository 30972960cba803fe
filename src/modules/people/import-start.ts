import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { Database, DbOrTx } from "../../db/client.js";
import type { PersonImport } from "../../generated/sqlite/client.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { recordAudit, systemActor } from "../audit/audit.service.js";
import { type CsvRecord, readCsvFile } from "./csv-file.js";
import { detectFileEncoding } from "./encoding.js";
import type { ImportPeopleOptions } from "./import.service.js";
import { cancelledMessage, endImport, failureEnd, importStartAudit } from "./import-outcome.js";
import type { ResumePoint } from "./import-run.js";
import {
  createImport,
  findImport,
  findIncidentForImport,
  findRunningImport,
  findStaleImports,
  lockIncidentForImport,
  RUNNING_STATUSES,
  STALE_RUNNING_IMPORT_MS,
  startImportRun,
} from "./person-import.repository.js";
import { parseStoredMapping, resolveMapping } from "./person-row.js";

/** How a run of an import begins: the file read and checked, the record moved to running. */

interface Deps {
  db: Database;
  clock: Clock;
}

export type PreparedFile = Awaited<ReturnType<typeof prepareImportFile>>;

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

function conflictWith(running: { fileName: string }): AppError {
  return new AppError("conflict", `Another import of this incident (${running.fileName}) is running; try again when it ends.`);
}

/**
 * Marks the incident's other imports that are still marked running but have not moved for
 * STALE_RUNNING_IMPORT_MS as failed, saying where they stopped: their process died (a killed
 * command line import; a worker whose job retries ran out).
 */
async function failStaleImports(deps: Deps, tx: DbOrTx, incidentId: string, exceptId: string, now: Date): Promise<void> {
  const staleBefore = new Date(now.getTime() - STALE_RUNNING_IMPORT_MS);
  for (const stale of await findStaleImports(tx, incidentId, staleBefore, exceptId)) {
    const why = `it made no progress after ${stale.updatedAt.toISOString()} (the process running it stopped).`;
    await endImport(deps, systemActor, stale, failureEnd(why, stale.lastLine, now), { tx });
  }
}

/** How a run starts: its record as started, the file, and the checkpoint it continues after. */
export interface StartedRun {
  record: PersonImport;
  file: PreparedFile;
  resumeFrom?: ResumePoint;
}

/**
 * Starts a run of the import, or throws: not_found (no such incident or import), conflict
 * (another import of the incident is running, or this one cannot run now), validation (the
 * file or mapping cannot be used). Creates the record first when given none; returns null
 * when a taken-over import was being cancelled (it is now cancelled, with nothing to run).
 */
export async function startRun(deps: Deps, options: ImportPeopleOptions): Promise<StartedRun | null> {
  const { db, clock } = deps;
  const now = clock.now();
  const activeSince = new Date(now.getTime() - STALE_RUNNING_IMPORT_MS);
  if (options.importId !== undefined) {
    const record = await findImport(db.prisma, options.importId);
    if (!record) throw new AppError("not_found", "No such import.");
    const isTakeOver = options.isTakeOver === true && RUNNING_STATUSES.includes(record.status);
    if (record.status !== "queued" && !isTakeOver) {
      throw new AppError("conflict", `The import of ${record.fileName} is ${record.status}, not queued.`);
    }
    if (record.status === "cancelling") {
      const done = { status: "cancelled", stoppedAtLine: record.lastLine, message: cancelledMessage(record.lastLine) };
      await endImport(deps, options.actor ?? systemActor, record, { ...done, finishedAt: now, updatedAt: now });
      return null;
    }
    const file = await prepareImportFile(record.filePath, parseStoredMapping(record.mapping));
    const started = await db.prisma.$transaction(async (tx) => {
      await lockIncidentForImport(tx, record.incidentId);
      await failStaleImports(deps, tx, record.incidentId, record.id, now);
      const running = await findRunningImport(tx, record.incidentId, activeSince, record.id);
      if (running) throw conflictWith(running);
      const found = { fileBytes: BigInt(file.bytes), encoding: file.encoding, delimiter: file.delimiter };
      if (!(await startImportRun(tx, record, { ...found, updatedAt: now }))) {
        throw new AppError("conflict", `The import of ${record.fileName} changed while it was starting.`);
      }
      return (await findImport(tx, record.id))!;
    });
    return { record: started, file, ...(isTakeOver ? { resumeFrom: started } : {}) };
  }
  const file = await prepareImportFile(options.filePath, options.mapping);
  const id = newId();
  const record = await db.prisma.$transaction(async (tx) => {
    const incident = await findIncidentForImport(tx, options.incidentId);
    if (!incident) throw new AppError("not_found", "No such incident.");
    await failStaleImports(deps, tx, options.incidentId, id, now);
    const running = await findRunningImport(tx, options.incidentId, activeSince, id);
    if (running) throw conflictWith(running);
    const created = await createImport(tx, {
      id,
      incidentId: options.incidentId,
      fileName: options.fileName ?? basename(file.path),
      filePath: file.path,
      fileBytes: BigInt(file.bytes),
      encoding: file.encoding,
      delimiter: file.delimiter,
      mapping: JSON.stringify(Object.fromEntries(file.columns.headers.map((h, i) => [h, file.columns.fields[i]]))),
      status: "running",
      runNumber: 1,
      createdById: options.createdById ?? null,
      createdAt: now,
      startedAt: now,
      updatedAt: now,
    });
    await recordAudit(db, tx, options.actor ?? systemActor, importStartAudit(created, incident.reference), clock);
    return created;
  });
  return { record, file };
}
