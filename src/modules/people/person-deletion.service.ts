import type { Deps } from "../../deps.js";
import type { PersonImport } from "../../generated/sqlite/client.js";
import { enqueueJob } from "../../jobs/index.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, recordAudit, withAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import {
  DELETE_BATCH_ROWS,
  type DeleteImportPayload,
  deleteImportPeopleJob,
  deletionAudit,
  runImportPeopleDeletion,
} from "./delete-import-people.job.js";
import { forgetImportFilesOfIncident, removeImportFiles } from "./import-files.service.js";
import { WRITING_STATUSES } from "./import-lifecycle.policy.js";
import { findImportOfIncident } from "./people.repository.js";
import { countPeopleOfImport, deletePersonRow, findPersonOfIncident } from "./people-browse.repository.js";
import { forgetPeopleCounts } from "./people-counts-cache.service.js";
import { DELETE_IMPORT_PEOPLE_JOB, findActiveImportDeletion } from "./person-deletion.repository.js";
import { findActiveImportOf, lockIncidentForImport } from "./person-import.repository.js";

/**
 * Deleting affected people: one person (audited with the incident and their unique key, none
 * of their other data), or every person an import last wrote, as a background job that deletes
 * in batches of its own transactions and audits how many it deleted. Either deletes the files
 * of the incident's finished imports too (import-files.service.ts).
 */

export { DELETE_BATCH_ROWS, DELETE_IMPORT_PEOPLE_JOB, type DeleteImportPayload, runImportPeopleDeletion };

/**
 * Deletes one person of an incident, audited as person.delete with the incident and the
 * person's unique key, and with them the files of the incident's finished imports, any of which
 * may hold their row (import-files.service.ts); refused while an import of the incident is
 * queued or running, as its file may hold them and it may write them again.
 */
export async function deletePerson(deps: Deps, reference: string, personId: string, actor: Actor) {
  const { db, clock } = deps;
  const { files, ...deleted } = await withAudit(db, actor, clock, async (tx) => {
    const incident = await loadIncident(tx, reference);
    const person = await findPersonOfIncident(tx, incident.id, personId);
    if (!person) throw new AppError("not_found", `${incident.reference} has no such person; they may have been deleted already.`);
    const active = await findActiveImportOf(tx, incident.id, "", clock.now());
    if (active) {
      throw new AppError(
        "conflict",
        `An import of ${incident.reference} (${active.fileName}) is queued or running, and its file may hold this person: delete them once it has ended.`,
      );
    }
    if (!(await deletePersonRow(tx, person.id))) {
      throw new AppError("not_found", `${incident.reference} has no such person; they may have been deleted already.`);
    }
    const why = `a person of ${incident.reference} was deleted, and any of its imports' files may hold their row`;
    const files = await forgetImportFilesOfIncident(db, tx, incident, why, actor, clock);
    return {
      result: { incident, person, files },
      audit: {
        action: "person.delete",
        entityType: "person",
        entityId: person.id,
        incidentId: incident.id,
        // The key says who it was (an external id or an e-mail address); nothing else of theirs is kept.
        before: { incident: incident.reference, uniqueKey: person.uniqueKey, importId: person.importId },
      },
    };
  });
  forgetPeopleCounts(deleted.incident.id);
  await removeImportFiles(files, deps.logger);
  return deleted;
}

/** The import and incident a deletion concerns, or not_found. */
export async function loadImportForDeletion(deps: Deps, reference: string, importId: string) {
  const incident = await loadIncident(deps.db.prisma, reference);
  const upload = await findImportOfIncident(deps.db.prisma, incident.id, importId);
  if (!upload) throw new AppError("not_found", `${incident.reference} has no such import.`);
  return { incident, upload };
}

/** Where a deletion of an import's people stands: how many are left, and whether a job is at it. */
export async function importDeletionState(deps: Deps, upload: PersonImport) {
  const [remaining, job] = await Promise.all([
    countPeopleOfImport(deps.db.prisma, upload.id),
    findActiveImportDeletion(deps.db.prisma, upload.id),
  ]);
  return { remaining, isDeleting: job !== null, isImportWriting: WRITING_STATUSES.includes(upload.status) };
}

/**
 * Schedules the deletion of every person the import last wrote (people a later import wrote
 * since are kept), audited as person_import.delete_people with how many there are. Refused
 * while the import is still writing, while a deletion of it is under way, or when nobody is
 * left. The incident row is locked for the check, so two requests schedule one job.
 */
export async function requestImportPeopleDeletion(deps: Deps, reference: string, importId: string, actor: Actor) {
  const { incident, upload } = await loadImportForDeletion(deps, reference, importId);
  if (WRITING_STATUSES.includes(upload.status)) {
    throw new AppError("conflict", "This import is still running: wait for it to end, or cancel it, before deleting its people.");
  }
  const now = deps.clock.now();
  const count = await deps.db.prisma.$transaction(async (tx) => {
    await lockIncidentForImport(tx, incident.id);
    if (await findActiveImportDeletion(tx, upload.id)) {
      throw new AppError("conflict", "The people of this import are being deleted already.");
    }
    const count = await countPeopleOfImport(tx, upload.id);
    if (count === 0) throw new AppError("conflict", "No one is left whose last import is this one: there is nothing to delete.");
    const payload = { incidentId: incident.id, importId: upload.id, actor };
    const key = `${DELETE_IMPORT_PEOPLE_JOB}:${upload.id}:${now.toISOString()}`;
    await enqueueJob(deps.db, tx, deleteImportPeopleJob, payload, { key, runAt: now, now });
    await recordAudit(deps.db, tx, actor, deletionAudit("person_import.delete_people", incident, upload, { count }), deps.clock);
    return count;
  });
  return { incident, upload, count };
}
