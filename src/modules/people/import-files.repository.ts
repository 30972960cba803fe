import type { DbOrTx } from "../../db/client.js";
import { FINISHED_STATUSES } from "./import-lifecycle.policy.js";

/** The queries behind the files of imports: who still has files, their clearing, and what refers to a file. */

/** The audit action recorded for each import whose files are deleted with people. */
export const IMPORT_FILES_DELETE = "person_import.files_delete";

/** Statuses of an import that no run will read again: its files are only a record of the upload. */
export const FINISHED_IMPORT_STATUSES = [...FINISHED_STATUSES];

/** The incident's finished imports that still have an upload or an error report on disk, oldest first. */
export function listFinishedImportsWithFiles(tx: DbOrTx, incidentId: string) {
  return tx.personImport.findMany({
    where: {
      incidentId,
      status: { in: FINISHED_IMPORT_STATUSES },
      OR: [{ filePath: { not: "" } }, { errorReportPath: { not: null } }],
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}

/** Forgets where an import's upload (filePath empty) and/or error report (null) were; its counts stay. */
export async function clearImportFilePaths(
  tx: DbOrTx,
  importId: string,
  files: { upload: boolean; errorReport: boolean },
  now: Date,
): Promise<void> {
  await tx.personImport.update({
    where: { id: importId },
    data: { ...(files.upload ? { filePath: "" } : {}), ...(files.errorReport ? { errorReportPath: null } : {}), updatedAt: now },
  });
}

/** The latest deletion of an import's files, as the audit log recorded it, or null. */
export function findImportFilesDeletion(db: DbOrTx, importId: string) {
  return db.auditEntry.findFirst({
    where: { entityType: "person_import", entityId: importId, action: IMPORT_FILES_DELETE },
    orderBy: { seq: "desc" },
  });
}

/** Every file path an import refers to (uploads and error reports, of every incident). */
export async function listImportFilePaths(db: DbOrTx): Promise<string[]> {
  const rows = await db.personImport.findMany({ select: { filePath: true, errorReportPath: true } });
  return rows.flatMap((row) => [row.filePath, row.errorReportPath ?? ""]).filter((path) => path !== "");
}
