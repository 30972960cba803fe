import { unlink } from "node:fs/promises";
import { basename } from "node:path";
import type { Deps } from "../../deps.js";
import type { Incident, PersonImport } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { Actor } from "../audit/audit.service.js";
import { prepareImportFile } from "./import.service.js";
import { startUploadedImport } from "./import-control.service.js";
import { rememberedMapping } from "./people.repository.js";
import { findActiveImportOf } from "./person-import.repository.js";
import { personFields } from "./person-row.js";

/**
 * An upload's way to a running import, for callers other than the mapping page (the JSON API):
 * record the stored file as an import (status uploaded), then queue it with a mapping as the
 * background job "people.import", the same job the page's Start button queues.
 */

/**
 * Reads the stored file's encoding and header, and records it as an upload of the incident;
 * when it cannot (an unreadable file, any failure), the stored file is deleted before the error
 * goes on, so nothing of a refused upload stays.
 */
export async function recordPeopleUpload(
  deps: Deps,
  incident: Incident,
  file: { path: string; fileName: string },
  actor: Actor,
): Promise<PersonImport> {
  try {
    return await createUploadRecord(deps, incident, await prepareImportFile(file.path), file.fileName, actor);
  } catch (error) {
    await unlink(file.path).catch(() => {});
    // The message names the stored file; the caller knows it by its own name.
    if (error instanceof AppError) {
      throw new AppError(
        error.code,
        error.message.replaceAll(file.path, file.fileName).replaceAll(basename(file.path), file.fileName),
      );
    }
    throw error;
  }
}

function createUploadRecord(
  deps: Deps,
  incident: Incident,
  prepared: Awaited<ReturnType<typeof prepareImportFile>>,
  fileName: string,
  actor: Actor,
): Promise<PersonImport> {
  const now = deps.clock.now();
  return deps.db.prisma.personImport.create({
    data: {
      id: newId(),
      incidentId: incident.id,
      fileName: fileName.slice(0, 255),
      filePath: prepared.path,
      fileBytes: BigInt(prepared.bytes),
      encoding: prepared.encoding,
      delimiter: prepared.delimiter,
      status: "uploaded",
      createdById: actor.userId,
      createdAt: now,
      updatedAt: now,
    },
  });
}

/** Refuses (conflict) while another import of the incident is queued or running. */
export async function assertNoActiveImport(deps: Deps, incident: Incident, exceptId = "") {
  const active = await findActiveImportOf(deps.db.prisma, incident.id, exceptId, deps.clock.now());
  if (active) {
    throw new AppError(
      "conflict",
      `Another import of this incident (${active.fileName}) is queued or running; start this one when it ends.`,
    );
  }
}

/**
 * The mapping an import runs with, header -> field: the columns named in `explicit` (any case;
 * an unknown column or field is a validation error naming it), then the incident's last
 * mapping for a header it had, then the guess from the header's name.
 */
export async function resolveImportMapping(
  deps: Deps,
  incident: Incident,
  upload: PersonImport,
  explicit: Record<string, string>,
): Promise<Record<string, string>> {
  const file = await prepareImportFile(upload.filePath, explicit).catch((error: unknown) => {
    if (error instanceof AppError && Object.keys(error.fieldErrors).length) throw error;
    throw new AppError("conflict", "The uploaded file cannot be read any more; upload it again.");
  });
  const remembered = await rememberedMapping(deps.db.prisma, incident.id, upload.id);
  const named = new Set(Object.keys(explicit).map((column) => column.trim().toLowerCase()));
  const mapping: Record<string, string> = {};
  file.columns.headers.forEach((header, index) => {
    const guessed = file.columns.fields[index] ?? "ignore";
    const last = remembered[header];
    mapping[header] =
      !named.has(header.toLowerCase()) && last && (personFields as readonly string[]).includes(last) ? last : guessed;
  });
  return mapping;
}

/**
 * Queues an uploaded import with its mapping: startUploadedImport, the same path as the site's
 * start button (audited, its job retried after a crash), refusing with a conflict when this
 * import has left "uploaded".
 */
export async function queuePeopleImport(
  deps: Deps,
  incident: Incident,
  upload: PersonImport,
  mapping: Record<string, string>,
  actor: Actor,
): Promise<void> {
  if (!(await startUploadedImport(deps, incident, upload, mapping, actor))) {
    throw new AppError("conflict", "This import has been started or discarded already.");
  }
}

/** Removes an upload that was never started, and its file: what a refused API upload leaves behind. */
export async function discardUpload(deps: Deps, upload: PersonImport): Promise<void> {
  await deps.db.prisma.personImport.deleteMany({ where: { id: upload.id, status: "uploaded" } });
  await unlink(upload.filePath).catch(() => {});
}
