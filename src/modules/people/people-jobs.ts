import type { Database } from "../../db/client.js";
import type { JobHandlers } from "../../jobs/dispatcher.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { importPeopleFile } from "./import.service.js";
import { findEngineRun } from "./people.repository.js";

/** The job kind that runs an uploaded people import. */
export const PEOPLE_IMPORT_JOB = "people.import";

export function peopleImportJobKey(importId: string): string {
  return `${PEOPLE_IMPORT_JOB}:${importId}`;
}

interface PeopleJobDeps {
  db: Database;
  clock: Clock;
}

/**
 * Runs the import of an upload (a PersonImport queued by the mapping page) with the import
 * engine. The engine records its run under its own id; when it ends, the run's counts and
 * outcome are copied onto the upload's record, its people are credited to the upload, and
 * the run's record is removed, so the upload's page carries the whole story. While it runs,
 * cancelling the upload (status "cancelled") aborts the engine after the current batch.
 * An upload that is no longer queued (cancelled before it started, or already run) is left alone.
 */
export async function runPeopleImport(deps: PeopleJobDeps, importId: string, signal?: AbortSignal): Promise<void> {
  const { prisma } = deps.db;
  const upload = await prisma.personImport.findUnique({ where: { id: importId } });
  if (!upload || upload.status !== "queued") return;
  let mapping: Record<string, string> = {};
  try {
    mapping = JSON.parse(upload.mapping) as Record<string, string>;
  } catch {
    mapping = {};
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  let isChecking = false;
  const checkCancelled = () => {
    if (isChecking || controller.signal.aborted) return;
    isChecking = true;
    prisma.personImport
      .findUnique({ where: { id: importId }, select: { status: true } })
      .then((row) => {
        if (!row || row.status === "cancelled") controller.abort();
      })
      .catch(() => {})
      .finally(() => {
        isChecking = false;
      });
  };
  try {
    const summary = await importPeopleFile(deps, {
      incidentId: upload.incidentId,
      filePath: upload.filePath,
      fileName: upload.fileName,
      mapping,
      createdById: upload.createdById,
      signal: controller.signal,
      onProgress: checkCancelled,
    });
    await prisma.$transaction(async (tx) => {
      const run = await tx.personImport.findUnique({ where: { id: summary.importId } });
      if (!run) return;
      await tx.person.updateMany({ where: { importId: run.id }, data: { importId } });
      await tx.personImport.update({
        where: { id: importId },
        data: {
          status: run.status,
          encoding: run.encoding,
          delimiter: run.delimiter,
          rowsRead: run.rowsRead,
          accepted: run.accepted,
          created: run.created,
          updated: run.updated,
          duplicates: run.duplicates,
          rejected: run.rejected,
          reasons: run.reasons,
          stoppedAtLine: run.stoppedAtLine,
          message: run.message,
          errorReportPath: run.errorReportPath,
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
          updatedAt: deps.clock.now(),
        },
      });
      await tx.personImport.delete({ where: { id: run.id } });
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // The import could not start (file unreadable, mapping refused, another import running).
    const now = deps.clock.now();
    await prisma.personImport.update({
      where: { id: importId },
      data: { status: "failed", message: error.message, finishedAt: now, updatedAt: now },
    });
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/** The live run of an upload while the engine works on it, if any. */
export { findEngineRun };

/** The worker's handlers of people jobs. */
export function peopleJobHandlers(deps: PeopleJobDeps): JobHandlers {
  return {
    async [PEOPLE_IMPORT_JOB](payload, ctx) {
      const importId = (payload as { importId?: unknown } | null)?.importId;
      if (typeof importId !== "string") return;
      await runPeopleImport(deps, importId, ctx.signal);
    },
  };
}
