import type { Database } from "../../db/client.js";
import type { JobHandlers } from "../../jobs/dispatcher.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { importPeopleFile } from "./import.service.js";
import { failQueuedImport, findImport } from "./person-import.repository.js";

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
 * engine, which records its progress and outcome on that record. While it runs, cancelling
 * it (status "cancelling") stops the engine after the current batch. An import that is no
 * longer queued (cancelled before it started, or already run) is left alone; one that cannot
 * start (file unreadable, mapping refused, another import running) is marked failed.
 */
export async function runPeopleImport(deps: PeopleJobDeps, importId: string, signal?: AbortSignal): Promise<void> {
  const { prisma } = deps.db;
  const record = await findImport(prisma, importId);
  if (!record || record.status !== "queued") return;
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  let isChecking = false;
  const checkCancelled = () => {
    if (isChecking || controller.signal.aborted) return;
    isChecking = true;
    findImport(prisma, importId)
      .then((row) => {
        if (!row || row.status === "cancelling") controller.abort();
      })
      .catch(() => {})
      .finally(() => {
        isChecking = false;
      });
  };
  try {
    await importPeopleFile(deps, { importId, signal: controller.signal, onProgress: checkCancelled });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await failQueuedImport(prisma, importId, error.message, deps.clock.now());
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

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
