import { z } from "zod";
import type { Database, DbOrTx } from "../../db/client.js";
import { defineJob, enqueueJob } from "../../jobs/index.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { systemActor } from "../audit/index.js";
import { ImportTakenOver, importPeopleFile } from "./import.service.js";
import { RUNNING_STATUSES } from "./import-lifecycle.policy.js";
import { endImport, failureEnd } from "./import-outcome.service.js";
import { findImport } from "./person-import.repository.js";

/** The job kind that runs an uploaded people import. */
export const PEOPLE_IMPORT_JOB = "people.import";

/**
 * Attempts of a people.import job: the first run; a retry after a crash (the lease expired) or
 * an interruption, which continues after the last checkpoint; and a last attempt that, when
 * the import is still unfinished, only marks it failed with where it stopped, so an import
 * that keeps killing its worker ends instead of staying "running".
 */
export const PEOPLE_IMPORT_MAX_ATTEMPTS = 3;

export function peopleImportJobKey(importId: string): string {
  return `${PEOPLE_IMPORT_JOB}:${importId}`;
}

/** Schedules the job that runs a queued import, in the caller's transaction (a second time is a no-op). */
export function enqueuePeopleImport(db: Database, tx: DbOrTx, importId: string, now: Date): Promise<boolean> {
  return enqueueJob(db, tx, peopleImportJob, { importId }, { key: peopleImportJobKey(importId), runAt: now, now });
}

interface PeopleJobDeps {
  db: Database;
  clock: Clock;
}

export interface RunPeopleImportOptions {
  /** Aborted when the worker stops or loses the job: the run stops after its batch and the job retries. */
  signal?: AbortSignal;
  /** This attempt of the job (1 for the first) and how many it has. */
  attempt?: number;
  maxAttempts?: number;
}

/**
 * Runs the import of an upload (a PersonImport queued by the mapping page) with the import
 * engine, which records its progress and outcome on that record. A cancelled import stops at
 * its next batch. An import found running is one whose earlier attempt stopped without
 * finishing (a crash): this attempt continues it after its last checkpoint, or on the job's
 * last attempt marks it failed with where it stopped. An import that cannot run (file
 * unreadable, mapping refused, another import running) is marked failed; any other state
 * (cancelled before it started, already finished) is left alone.
 */
export async function runPeopleImport(deps: PeopleJobDeps, importId: string, options: RunPeopleImportOptions = {}) {
  const { prisma } = deps.db;
  const record = await findImport(prisma, importId);
  if (!record || !(record.status === "queued" || RUNNING_STATUSES.includes(record.status))) return;
  const now = deps.clock.now();
  const isLastAttempt = (options.attempt ?? 1) >= (options.maxAttempts ?? PEOPLE_IMPORT_MAX_ATTEMPTS);
  if (record.status === "running" && isLastAttempt) {
    const why = `its worker stopped ${record.runNumber} times before it finished.`;
    await endImport(deps, systemActor, record, failureEnd(why, record.lastLine, now));
    return;
  }
  try {
    await importPeopleFile(deps, { importId, isTakeOver: true, interruptSignal: options.signal });
  } catch (error) {
    if (error instanceof ImportTakenOver) return;
    if (!(error instanceof AppError)) throw error;
    // The run could not start; a taken-over import keeps its counts and says where it stopped.
    if (record.status === "queued") {
      const end = { status: "failed", stoppedAtLine: null, message: error.message, finishedAt: now, updatedAt: now };
      await endImport(deps, systemActor, record, end, { fromStatuses: ["queued"] });
    } else await endImport(deps, systemActor, record, failureEnd(error.message, record.lastLine, now));
  }
}

/** The job that runs a queued import (payload: the import's id), with its three attempts. */
export const peopleImportJob = defineJob({
  id: PEOPLE_IMPORT_JOB,
  schema: z.object({ importId: z.string() }),
  maxAttempts: PEOPLE_IMPORT_MAX_ATTEMPTS,
  async handler({ importId }, ctx) {
    await runPeopleImport(ctx, importId, { signal: ctx.signal, attempt: ctx.job.attempts, maxAttempts: ctx.job.maxAttempts });
  },
});
