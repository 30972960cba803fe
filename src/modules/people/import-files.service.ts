import { readdir, stat, unlink } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import type { Database, DbOrTx } from "../../db/client.js";
import type { Incident, PersonImport } from "../../generated/sqlite/client.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import { type Actor, recordAudit } from "../audit/index.js";
import {
  clearImportFilePaths,
  FINISHED_IMPORT_STATUSES,
  findImportFilesDeletion,
  IMPORT_FILES_DELETE,
  listFinishedImportsWithFiles,
  listImportFilePaths,
} from "./import-files.repository.js";
import { uploadDirectory } from "./people-upload.middleware.js";

/**
 * The files of imports: the uploaded CSV and the error report the app keeps in its uploads
 * folder. They hold people's data, so they go with the people: deleting a person, or an
 * import's people, deletes the files of every finished import of the incident. Any of them may
 * hold the deleted people's rows (an earlier import that wrote them too, a later one that
 * rejected their row, one cancelled before reaching it), and only reading each file under its
 * mapping could tell; a finished import's file is never read again, and its record keeps its
 * counts. Files outside the uploads folder (a command-line import's own file and the report
 * written beside it) belong to whoever ran the command and are left alone. A refused upload
 * never stays (people-upload.ts, the API's upload), and the worker's housekeeping deletes any
 * file of the folder that no import refers to after a day (a crash between the two steps).
 */

export { FINISHED_IMPORT_STATUSES, IMPORT_FILES_DELETE };

const DAY_MS = 24 * 60 * 60_000;

/** True when path lies inside directory. */
function isInside(directory: string, path: string): boolean {
  const rel = relative(directory, resolve(path));
  return rel !== "" && !rel.startsWith("..") && !rel.startsWith("/");
}

/** The files of an import that the app keeps in its uploads folder (the ones deleting people deletes). */
function ownFilesOf(directory: string, upload: Pick<PersonImport, "filePath" | "errorReportPath">) {
  return {
    upload: upload.filePath !== "" && isInside(directory, upload.filePath),
    errorReport: upload.errorReportPath !== null && isInside(directory, upload.errorReportPath),
  };
}

/** What deleting people of the incident would delete now: its finished imports with files, and which files. */
export async function listImportFilesToDelete(db: Database, incidentId: string) {
  const directory = uploadDirectory(db.url);
  return (await listFinishedImportsWithFiles(db.prisma, incidentId))
    .map((upload) => ({ id: upload.id, fileName: upload.fileName, ...ownFilesOf(directory, upload) }))
    .filter((files) => files.upload || files.errorReport);
}

/**
 * In the caller's transaction: forgets the files in the uploads folder of every finished import
 * of the incident, each audited as person_import.files_delete with the import, the files' names
 * (never their contents) and why, and returns their paths for removeImportFiles once the
 * transaction has committed (a file left by a failed removal is swept by housekeeping).
 */
export async function forgetImportFilesOfIncident(
  db: Database,
  tx: DbOrTx,
  incident: Pick<Incident, "id" | "reference">,
  reason: string,
  actor: Actor,
  clock: Clock,
): Promise<string[]> {
  const directory = uploadDirectory(db.url);
  const paths: string[] = [];
  for (const upload of await listFinishedImportsWithFiles(tx, incident.id)) {
    const own = ownFilesOf(directory, upload);
    if (!own.upload && !own.errorReport) continue;
    const files = [own.upload ? upload.filePath : "", own.errorReport ? (upload.errorReportPath ?? "") : ""].filter(Boolean);
    await clearImportFilePaths(tx, upload.id, own, clock.now());
    await recordAudit(
      db,
      tx,
      actor,
      {
        action: IMPORT_FILES_DELETE,
        entityType: "person_import",
        entityId: upload.id,
        incidentId: incident.id,
        after: { incident: incident.reference, fileName: upload.fileName, files: files.map((f) => basename(f)), reason },
      },
      clock,
    );
    paths.push(...files);
  }
  return paths;
}

/** Removes files; one already gone is fine, one that cannot be removed is logged (housekeeping retries). */
export async function removeImportFiles(paths: string[], logger?: Logger): Promise<void> {
  for (const path of paths) {
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") logger?.warn({ err: error, file: basename(path) }, "could not delete an import's file");
    });
  }
}

/** When and why an import's files were deleted, from the audit log; null while they are kept. */
export async function describeFilesDeletion(
  db: DbOrTx,
  upload: Pick<PersonImport, "id" | "filePath">,
): Promise<{ at: Date; reason: string } | null> {
  if (upload.filePath !== "") return null;
  const entry = await findImportFilesDeletion(db, upload.id);
  if (!entry) return null;
  const after = JSON.parse(entry.after ?? "{}") as { reason?: unknown };
  return { at: entry.at, reason: typeof after.reason === "string" ? after.reason : "" };
}

/** Why an import has no error report to download: its files were deleted (when, why), or no row was rejected. */
export async function missingErrorReportMessage(db: DbOrTx, upload: Pick<PersonImport, "id" | "filePath">): Promise<string> {
  const deletion = await describeFilesDeletion(db, upload);
  if (!deletion) return "This import has no error report: no row was rejected, or it has not run yet.";
  return `This import's files were deleted on ${deletion.at.toISOString()}, when ${deletion.reason}; its counts are kept.`;
}

export interface UploadSweepResult {
  deleted: number;
  kept: number;
}

/**
 * Deletes the files of the uploads folder that no import refers to (as its upload or error
 * report, or as the report a running import is writing beside its upload) and that were last
 * changed more than a day before `now`: a refused upload whose removal failed, or the files of
 * a request that crashed between storing and recording. Names are compared, not whole paths,
 * so a data folder moved since the files were recorded keeps them.
 */
export async function deleteUnreferencedUploads(db: Database, now: Date, logger?: Logger): Promise<UploadSweepResult> {
  const directory = uploadDirectory(db.url);
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const referenced = new Set<string>();
  for (const path of await listImportFilePaths(db.prisma)) {
    referenced.add(basename(path));
    referenced.add(`${basename(path).replace(/\.(csv|txt|tsv)$/i, "")}.errors.csv`);
  }
  const result: UploadSweepResult = { deleted: 0, kept: 0 };
  for (const entry of entries) {
    if (!entry.isFile() || referenced.has(entry.name)) continue;
    const path = join(directory, entry.name);
    const info = await stat(path).catch(() => null);
    if (!info || now.getTime() - info.mtime.getTime() <= DAY_MS) {
      result.kept += 1;
      continue;
    }
    await removeImportFiles([path], logger);
    result.deleted += 1;
  }
  return result;
}
