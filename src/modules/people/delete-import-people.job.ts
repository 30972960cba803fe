import { z } from "zod";
import type { Database } from "../../db/client.js";
import type { Incident, PersonImport } from "../../generated/sqlite/client.js";
import { defineJob } from "../../jobs/index.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import { recordAudit } from "../audit/index.js";
import { forgetImportFilesOfIncident, removeImportFiles } from "./import-files.service.js";
import { countPeopleOfImport, deletePeopleBatchOfImport } from "./people-browse.repository.js";
import { forgetPeopleCounts } from "./people-counts-cache.service.js";
import { DELETE_IMPORT_PEOPLE_JOB } from "./person-deletion.repository.js";

/** People per delete statement: each holds SQLite's write lock for about 0.3 s at a million. */
export const DELETE_BATCH_ROWS = 2000;

const deleteImportPayloadSchema = z.object({
  incidentId: z.string(),
  importId: z.string(),
  actor: z.object({ userId: z.string().nullable(), label: z.string(), ip: z.string().nullable() }),
});
export type DeleteImportPayload = z.infer<typeof deleteImportPayloadSchema>;

/** The audit entry of a deletion of an import's people (requested, or done by the job). */
export function deletionAudit(action: string, incident: Pick<Incident, "id" | "reference">, upload: PersonImport, after: object) {
  return {
    action,
    entityType: "person_import",
    entityId: upload.id,
    incidentId: incident.id,
    after: { incident: incident.reference, fileName: upload.fileName, ...after },
  };
}

interface DeletionJobDeps {
  db: Database;
  clock: Clock;
  logger?: Logger;
}

/**
 * Deletes the import's people in batches, each its own transaction, until none is left or the
 * signal aborts; then audits person_import.people_deleted with how many this run deleted and
 * how many are left. An aborted run throws, so the job runs again and goes on where it stopped.
 */
export async function runImportPeopleDeletion(
  deps: DeletionJobDeps,
  payload: DeleteImportPayload,
  signal?: AbortSignal,
  batchRows = DELETE_BATCH_ROWS,
) {
  const { prisma } = deps.db;
  const upload = await prisma.personImport.findUnique({ where: { id: payload.importId } });
  const incident = await prisma.incident.findUnique({ where: { id: payload.incidentId } });
  if (!upload || !incident) return { deleted: 0, remaining: 0 };
  let deleted = 0;
  let isFinished = false;
  while (!signal?.aborted) {
    const count = await deletePeopleBatchOfImport(prisma, upload.id, batchRows);
    forgetPeopleCounts(incident.id);
    deleted += count;
    if (count === 0) {
      isFinished = true;
      break;
    }
  }
  const remaining = isFinished ? 0 : await countPeopleOfImport(prisma, upload.id);
  const files = await prisma.$transaction(async (tx) => {
    const audit = deletionAudit("person_import.people_deleted", incident, upload, { deleted, remaining });
    await recordAudit(deps.db, tx, payload.actor, audit, deps.clock);
    if (!isFinished) return [];
    const why = `the people of the import ${upload.fileName} were deleted, and any of the incident's imports' files may hold their rows`;
    return forgetImportFilesOfIncident(deps.db, tx, incident, why, payload.actor, deps.clock);
  });
  await removeImportFiles(files, deps.logger);
  if (!isFinished) throw new Error(`stopped after deleting ${deleted} people; ${remaining} left for the next run`);
  return { deleted, remaining };
}

/** The job that deletes an import's people (payload: the incident, the import, who asked). */
export const deleteImportPeopleJob = defineJob({
  id: DELETE_IMPORT_PEOPLE_JOB,
  schema: deleteImportPayloadSchema,
  async handler(payload, ctx) {
    await runImportPeopleDeletion(ctx, payload, ctx.signal);
  },
});
