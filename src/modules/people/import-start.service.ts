import { basename } from "node:path";
import type { Database, DbOrTx } from "../../db/client.js";
import type { PersonImport } from "../../generated/sqlite/client.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { recordAudit, systemActor } from "../audit/index.js";
import type { TextEncodingName } from "./encoding.service.js";
import type { ImportPeopleOptions } from "./import.service.js";
import { inspectImportFile } from "./import-file.service.js";
import { planImportTransition, RUNNING_STATUSES, STALE_RUNNING_IMPORT_MS } from "./import-lifecycle.policy.js";
import { cancelledMessage, endImport, failureEnd, importStartAudit } from "./import-outcome.service.js";
import { createImportRecord } from "./import-record.service.js";
import type { ResumePoint } from "./import-run.service.js";
import { parseStoredMapping, resolveMapping } from "./person-fields.policy.js";
import {
  findImport,
  findIncidentForImport,
  findRunningImport,
  findStaleImports,
  lockIncidentForImport,
  startImportRun,
} from "./person-import.repository.js";

/** How a run of an import begins: the record moved to running, with what it knows of its file. */

interface Deps {
  db: Database;
  clock: Clock;
}

/** The file as a run reads it: what its record stored when it was recorded. */
export interface RunFile {
  path: string;
  bytes: number;
  encoding: TextEncodingName;
  delimiter: string;
  /** Header -> field: the mapping the run applies to the header row it reads. */
  mapping: Record<string, string>;
}

/**
 * The file of a recorded import, from what its record stored; a record made without those
 * facts (by hand, before they were stored) has its file inspected now.
 */
async function runFileOf(record: PersonImport): Promise<RunFile> {
  const mapping = parseStoredMapping(record.mapping);
  if (record.encoding && record.delimiter) {
    const { filePath: path, fileBytes, delimiter } = record;
    return { path, bytes: Number(fileBytes), encoding: record.encoding as TextEncodingName, delimiter, mapping };
  }
  const file = await inspectImportFile(record.filePath);
  resolveMapping(file.headers, mapping);
  return { ...file, mapping };
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
  file: RunFile;
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
    if (planImportTransition(record.status, isTakeOver ? "take_over" : "run") === "cancelled") {
      const done = { status: "cancelled", stoppedAtLine: record.lastLine, message: cancelledMessage(record.lastLine) };
      await endImport(deps, options.actor ?? systemActor, record, { ...done, finishedAt: now, updatedAt: now });
      return null;
    }
    const file = await runFileOf(record);
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
  const inspected = await inspectImportFile(options.filePath);
  const mapping = resolveMapping(inspected.headers, options.mapping);
  const file = { ...inspected, mapping: Object.fromEntries(mapping.headers.map((h, i) => [h, mapping.fields[i]!])) };
  const id = newId();
  const record = await db.prisma.$transaction(async (tx) => {
    const incident = await findIncidentForImport(tx, options.incidentId);
    if (!incident) throw new AppError("not_found", "No such incident.");
    await failStaleImports(deps, tx, options.incidentId, id, now);
    const running = await findRunningImport(tx, options.incidentId, activeSince, id);
    if (running) throw conflictWith(running);
    const created = await createImportRecord(tx, {
      id,
      incidentId: options.incidentId,
      file: inspected,
      fileName: options.fileName ?? basename(file.path),
      mapping: file.mapping,
      status: "running",
      createdById: options.createdById ?? null,
      now,
    });
    await recordAudit(db, tx, options.actor ?? systemActor, importStartAudit(created, incident.reference), clock);
    return created;
  });
  return { record, file };
}
