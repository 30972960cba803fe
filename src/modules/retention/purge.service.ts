import { unlink } from "node:fs/promises";
import type { Deps } from "../../deps.js";
import type { PurgeRun } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { markEvidenceFilesRemovedByPurge, removeEvidenceBytesForPurge } from "../evidence/index.js";
import { forgetImportFilesOfIncident, uploadDirectory } from "../people/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import { addressHasherOf } from "./address-hash.service.js";
import {
  type AddressHasher,
  listImportsWithFiles,
  purgeBouncedAddresses,
  purgeDeliveryBatch,
  purgePeopleBatch,
  purgeToldAnotherWay,
} from "./purge-batches.sql.js";
import { advancePurgeRun, createPurgeRun, findPurgeRun, findRetention } from "./retention.repository.js";
import { loadRetentionState, type PurgeIncident } from "./retention-state.service.js";

/** What a purge removed, by kind (kept on the run, summed batch by batch). */
export interface PurgeCounts {
  people: number;
  deliveries: number;
  deliveryEvents: number;
  caughtMail: number;
  bouncedAddresses: number;
  toldAnotherWay: number;
  importFiles: number;
  /** evidence files whose bytes went (only when the incident's evidence files are purged with the people) */
  evidenceFiles: number;
}

export interface PurgeOptions {
  actor: Actor;
  trigger: "worker" | "manual";
  /** Rows a batch takes (default 150); each batch is one transaction. */
  batchSize?: number;
  /** Called after each committed batch (the crash test waits for a few). */
  onBatch?: (run: PurgeRun) => void;
}

export const PURGE_ACTION = "incident.purge";
// Within SQLite's 999 parameters a statement: a batch's UPDATE binds its ids and up to two values a row.
const DEFAULT_BATCH = 150;
const TX_OPTIONS = { timeout: 120_000, maxWait: 30_000 };

/**
 * The purge of an incident's affected people's data, as a story: start it (or take up the run a
 * crash left), then one batch at a time, each its own transaction that also moves the run's
 * phase and cursor on, until the run is done: the deliveries keep their facts and a keyed hash
 * of the address, the suppressed addresses become hashes, the people are blanked, the names of
 * those told another way go, the import files are deleted, and one audit entry with the counts
 * closes it. Killed at any point, the next call continues after the last committed batch.
 */
export async function purgeIncident(deps: Deps, incident: PurgeIncident, options: PurgeOptions): Promise<PurgeRun> {
  const hash = addressHasherOf(deps);
  let run = await startOrResume(deps, incident, options);
  if (deps.db.kind === "sqlite") await deps.db.prisma.$queryRawUnsafe("PRAGMA secure_delete = ON");
  while (run.status !== "done") {
    const moved = await runStep(deps, incident, run, hash, options);
    run = (await findPurgeRun(deps.db.prisma, incident.id)) ?? run;
    if (moved) options.onBatch?.(run);
  }
  if (deps.db.kind === "sqlite") await rewriteSqliteFile(deps);
  return run;
}

/**
 * Rewrites the SQLite file so no copy of a purged value stays in its free space: secure_delete
 * zeroes what the purge frees, but the free space of pages split or merged before the purge may
 * still hold old copies of rows, so VACUUM rebuilds the file from the live rows, then the
 * checkpoint empties the write-ahead log. A VACUUM that cannot run now (another connection
 * busy) is logged: the values are gone from every table, and the next purge's VACUUM tries again.
 */
async function rewriteSqliteFile(deps: Deps): Promise<void> {
  try {
    await deps.db.prisma.$executeRawUnsafe("VACUUM");
    await deps.db.prisma.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (error) {
    deps.logger.warn(
      { err: error },
      "the purge could not rewrite the SQLite file (VACUUM): free pages may keep old copies until the next",
    );
  }
}

/** The run of this incident: the one a crash left, else a new one when the purge is due. */
async function startOrResume(deps: Deps, incident: PurgeIncident, options: PurgeOptions): Promise<PurgeRun> {
  return deps.db.prisma.$transaction(async (tx) => {
    const existing = await findPurgeRun(tx, incident.id);
    if (existing) return existing;
    const state = await loadRetentionState(tx, deps.config, incident, deps.clock.now());
    if (state.kind === "held") {
      throw new AppError(
        "conflict",
        `${incident.reference} is under a legal hold (${state.reason}): lift the hold before purging.`,
      );
    }
    if (state.kind === "open")
      throw new AppError("conflict", `${incident.reference} is not closed: its people's data is kept while it is open.`);
    if (state.kind === "scheduled" && !state.isDue) {
      throw new AppError(
        "conflict",
        `The purge of ${incident.reference} is not due until ${state.purgeAt.toISOString()}: shorten its retention to purge sooner.`,
      );
    }
    return createPurgeRun(tx, {
      incidentId: incident.id,
      status: "running",
      phase: "deliveries",
      trigger: options.trigger,
      startedAt: deps.clock.now(),
      startedById: options.actor.userId,
      startedBy: options.actor.label,
    });
  }, TX_OPTIONS);
}

function addCounts(counts: string, more: Partial<PurgeCounts>): string {
  const sum = JSON.parse(counts) as Record<string, number>;
  for (const [k, v] of Object.entries(more)) sum[k] = (sum[k] ?? 0) + (v ?? 0);
  return JSON.stringify(sum);
}

/** Reads a run's counts with every kind present. */
export function countsOf(run: Pick<PurgeRun, "counts">): PurgeCounts {
  const c = JSON.parse(run.counts) as Partial<PurgeCounts>;
  return {
    people: c.people ?? 0,
    deliveries: c.deliveries ?? 0,
    deliveryEvents: c.deliveryEvents ?? 0,
    caughtMail: c.caughtMail ?? 0,
    bouncedAddresses: c.bouncedAddresses ?? 0,
    toldAnotherWay: c.toldAnotherWay ?? 0,
    importFiles: c.importFiles ?? 0,
    evidenceFiles: c.evidenceFiles ?? 0,
  };
}

/** One step of the run in its own transaction; false when another run moved it first. */
async function runStep(
  deps: Deps,
  incident: PurgeIncident,
  run: PurgeRun,
  hash: AddressHasher,
  options: PurgeOptions,
): Promise<boolean> {
  const take = options.batchSize ?? DEFAULT_BATCH;
  const now = deps.clock.now();
  const paths = run.phase === "files" ? await removeImportFilesFirst(deps, incident.id) : [];
  const evidenceIds = run.phase === "files" ? await removeEvidenceFilesFirst(deps, incident.id) : [];
  return deps.db.prisma
    .$transaction(async (tx) => {
      const next = await (async () => {
        switch (run.phase) {
          case "deliveries": {
            const b = await purgeDeliveryBatch(tx, incident.id, run.cursor, take, hash);
            if (!b) return { phase: "people", cursor: "", counts: run.counts };
            const counts = addCounts(run.counts, {
              deliveries: b.deliveries,
              deliveryEvents: b.events,
              caughtMail: b.caughtMail,
            });
            return { phase: "deliveries", cursor: b.lastId, counts };
          }
          case "people": {
            if (run.cursor === "") {
              const bounced = await purgeBouncedAddresses(tx, incident.id, hash);
              run = { ...run, counts: addCounts(run.counts, { bouncedAddresses: bounced }) };
            }
            const b = await purgePeopleBatch(tx, deps.db.kind, incident.id, run.cursor, take, hash, now);
            if (!b) return { phase: "told", cursor: "", counts: run.counts };
            return { phase: "people", cursor: b.lastId, counts: addCounts(run.counts, { people: b.people }) };
          }
          case "told":
            return {
              phase: "files",
              cursor: "",
              counts: addCounts(run.counts, { toldAnotherWay: await purgeToldAnotherWay(tx, incident.id) }),
            };
          case "files": {
            await forgetImportFilesOfIncident(deps.db, tx, incident, "retention purge", options.actor, deps.clock);
            const evidenceFiles = await markEvidenceFilesRemovedByPurge(tx, incident.id, evidenceIds, options.actor, now);
            return { phase: "finish", cursor: "", counts: addCounts(run.counts, { importFiles: paths.length, evidenceFiles }) };
          }
          default:
            await recordPurgeDone(deps, tx, incident, run, options.actor);
            return { phase: "done", cursor: "", counts: run.counts, status: "done", finishedAt: now };
        }
      })();
      const moved = await advancePurgeRun(tx, run, next);
      if (!moved) throw new PurgeRaced();
      return true;
    }, TX_OPTIONS)
    .catch((error: unknown) => {
      if (error instanceof PurgeRaced) return false;
      throw error;
    });
}

class PurgeRaced extends Error {}

/**
 * Deletes the import files (uploads and error reports kept in the uploads folder) before the
 * step that forgets their paths: a crash between the two deletes nothing twice and forgets them
 * on the next run. Files outside that folder (a command-line import's own) are their owner's.
 */
async function removeImportFilesFirst(deps: Deps, incidentId: string): Promise<string[]> {
  const directory = uploadDirectory(deps.db.url);
  const paths = (await listImportsWithFiles(deps.db.prisma, incidentId))
    .flatMap((i) => [i.filePath, i.errorReportPath ?? ""])
    .filter((p) => p !== "" && p.startsWith(directory));
  for (const path of paths) {
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }
  return paths;
}

/**
 * The evidence files' bytes, when the incident's retention says they go with the people (item 4
 * of issue 15; kept by default): removed through the storage port before the step that marks
 * their records, as the import files are. Their ids.
 */
async function removeEvidenceFilesFirst(deps: Deps, incidentId: string): Promise<string[]> {
  const retention = await findRetention(deps.db.prisma, incidentId);
  return retention?.evidenceFiles === "with_people" ? removeEvidenceBytesForPurge(deps, incidentId) : [];
}

/** The purge's one audit entry with the counts, and its line on the timeline. */
async function recordPurgeDone(
  deps: Deps,
  tx: Parameters<Parameters<Deps["db"]["prisma"]["$transaction"]>[0]>[0],
  incident: PurgeIncident,
  run: PurgeRun,
  actor: Actor,
) {
  const counts = countsOf(run);
  await recordAudit(
    deps.db,
    tx,
    actor,
    {
      action: PURGE_ACTION,
      entityType: "incident",
      entityId: incident.id,
      incidentId: incident.id,
      after: {
        incident: incident.reference,
        trigger: run.trigger,
        startedAt: run.startedAt,
        batches: run.batchesDone + 1,
        ...counts,
      },
    },
    deps.clock,
  );
  await recordTimelineEvent(
    deps,
    tx,
    incident,
    {
      occurredAt: deps.clock.now(),
      occurredZone: incident.timeZone,
      kind: "note",
      description: `The affected people's personal data was purged: ${counts.people} people blanked, ${counts.deliveries} notices kept with a hashed address, ${counts.caughtMail} copies in the mail catcher, ${counts.importFiles} import files and ${counts.evidenceFiles} evidence files deleted.`,
      source: "lifecycle",
    },
    actor,
  );
}
