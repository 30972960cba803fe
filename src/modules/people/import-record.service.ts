import { unlink } from "node:fs/promises";
import { basename } from "node:path";
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident, PersonImport } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { Actor } from "../audit/index.js";
import { type ImportFile, inspectImportFile } from "./import-file.service.js";
import { personFields, proposeMapping } from "./person-fields.policy.js";
import {
  createImport,
  deleteUploadedImport,
  findActiveImportOf,
  findImportOfIncident,
  listRecentImports,
  type NewPersonImport,
  rememberedMapping,
} from "./person-import.repository.js";

/** An import record and its incident, as the handlers hold them (they never import the Prisma types). */
export type ImportRecord = PersonImport;
export type ImportIncident = Incident;

/**
 * The import record: the one way one is created, for the site, the API and the command line
 * (createImportRecord), with the file's encoding, delimiter, size and mapping worked out once
 * and stored on it; and what the pages and the API read of it.
 */

/**
 * Creates an import record for an inspected file: uploaded (the site and the API: the mapping
 * stored is the one proposed, until a manager starts it) or running (the command line, whose
 * run starts at once with its mapping).
 */
export function createImportRecord(
  tx: DbOrTx,
  record: {
    incidentId: string;
    file: ImportFile;
    fileName: string;
    mapping: Record<string, string>;
    status: "uploaded" | "running";
    createdById: string | null;
    now: Date;
    id?: string;
  },
): Promise<PersonImport> {
  const { file, now } = record;
  const data: NewPersonImport = {
    id: record.id ?? newId(),
    incidentId: record.incidentId,
    fileName: record.fileName.slice(0, 255),
    filePath: file.path,
    fileBytes: BigInt(file.bytes),
    encoding: file.encoding,
    delimiter: file.delimiter,
    mapping: JSON.stringify(record.mapping),
    status: record.status,
    runNumber: record.status === "running" ? 1 : 0,
    createdById: record.createdById,
    createdAt: now,
    startedAt: record.status === "running" ? now : null,
    updatedAt: now,
  };
  return createImport(tx, data);
}

/**
 * Reads the stored file's encoding and header once, and records it as an upload of the
 * incident with the mapping it proposes (the incident's last mapping, then guesses). When it
 * cannot (an unreadable file, any failure), the stored file is deleted before the error goes
 * on, so nothing of a refused upload stays.
 */
export async function recordPeopleUpload(
  deps: Deps,
  incident: Incident,
  stored: { path: string; fileName: string },
  actor: Actor,
): Promise<PersonImport> {
  try {
    const file = await inspectImportFile(stored.path);
    const mapping = proposeMapping(file.headers, await rememberedMapping(deps.db.prisma, incident.id, ""));
    return await createImportRecord(deps.db.prisma, {
      incidentId: incident.id,
      file,
      fileName: stored.fileName,
      mapping,
      status: "uploaded",
      createdById: actor.userId,
      now: deps.clock.now(),
    });
  } catch (error) {
    await unlink(stored.path).catch(() => {});
    // The message names the stored file; the caller knows it by its own name.
    if (error instanceof AppError) {
      throw new AppError(
        error.code,
        error.message.replaceAll(stored.path, stored.fileName).replaceAll(basename(stored.path), stored.fileName),
      );
    }
    throw error;
  }
}

/** The upload's stored mapping, header -> field, in the file's column order. */
export function storedMappingOf(upload: PersonImport): Record<string, string> {
  try {
    const parsed = JSON.parse(upload.mapping) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** The mapping the page's form chose: map_<n> for the n-th column of the stored mapping, else what it proposed. */
export function mappingFromChoices(upload: PersonImport, choices: Record<string, unknown>): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const [index, [header, proposed]] of Object.entries(storedMappingOf(upload)).entries()) {
    const value = choices[`map_${index}`];
    mapping[header] = typeof value === "string" && (personFields as readonly string[]).includes(value) ? value : proposed;
  }
  return mapping;
}

/**
 * The mapping an upload starts with, given the columns the caller named (any case; an unknown
 * column or field is a validation error naming it): those, then the stored proposal.
 */
export function mappingFromNamedColumns(upload: PersonImport, explicit: Record<string, string>): Record<string, string> {
  const stored = storedMappingOf(upload);
  return proposeMapping(Object.keys(stored), stored, explicit);
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

/** Removes an upload that was never started, and its file: what a refused API upload leaves behind. */
export async function discardUpload(deps: Deps, upload: PersonImport): Promise<void> {
  await deleteUploadedImport(deps.db.prisma, upload.id);
  await unlink(upload.filePath).catch(() => {});
}

/** The import of the incident, or not_found with `message`. */
export async function loadImportOfIncident(deps: Deps, incident: Incident, importId: string, message: string) {
  const upload = await findImportOfIncident(deps.db.prisma, incident.id, importId);
  if (!upload) throw new AppError("not_found", message);
  return upload;
}

/** The incident's recent imports, newest first. */
export function listImportsOfIncident(deps: Deps, incident: Incident, take: number) {
  return listRecentImports(deps.db.prisma, incident.id, take);
}
