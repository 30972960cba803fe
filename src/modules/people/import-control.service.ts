import type { Deps } from "../../deps.js";
import type { Incident, PersonImport } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { importStartAudit } from "./import-outcome.service.js";
import { enqueuePeopleImport } from "./people-import.job.js";
import {
  cancelImportRecord,
  findActiveImportOf,
  findImport,
  lockIncidentForImport,
  queueUploadedImport,
} from "./person-import.repository.js";

/**
 * What a manager does to an import from its page: start it with a mapping (it is queued for the
 * worker) and cancel it. Each change is audited with the incident it concerns.
 */

/**
 * Queues an uploaded import with its mapping (header -> field) and schedules its job, audited as
 * person_import.start. Refuses (conflict) while another import of the incident is queued or
 * running; the incident row is locked for the check, so two starts at once queue one import.
 * Returns false, changing nothing, when the import is no longer an upload.
 */
export async function startUploadedImport(
  deps: Deps,
  incident: Incident,
  upload: PersonImport,
  mapping: Record<string, string>,
  actor: Actor,
): Promise<boolean> {
  const now = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx) => {
    await lockIncidentForImport(tx, incident.id);
    const active = await findActiveImportOf(tx, incident.id, upload.id, now);
    if (active) {
      throw new AppError(
        "conflict",
        `Another import of this incident (${active.fileName}) is queued or running; start this one when it ends.`,
      );
    }
    if (!(await queueUploadedImport(tx, upload.id, JSON.stringify(mapping), now))) return false;
    await enqueuePeopleImport(deps.db, tx, upload.id, now);
    const queued = (await findImport(tx, upload.id))!;
    await recordAudit(deps.db, tx, actor, importStartAudit(queued, incident.reference), deps.clock);
    return true;
  });
}

/**
 * Cancels an import that has not ended, audited as person_import.cancel: one not yet running
 * is cancelled at once; a running one is cancelling until its run stops after the batch it is
 * writing (the people written before stay). Returns false when it had ended already.
 */
export async function cancelImport(deps: Deps, incident: Incident, upload: PersonImport, actor: Actor): Promise<boolean> {
  const now = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx) => {
    const before = await findImport(tx, upload.id);
    const status = await cancelImportRecord(tx, upload.id, now);
    if (!before || !status) return false;
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "person_import.cancel",
        entityType: "person_import",
        entityId: upload.id,
        incidentId: incident.id,
        before: { status: before.status },
        after: { incident: incident.reference, fileName: upload.fileName, status },
      },
      deps.clock,
    );
    return true;
  });
}
