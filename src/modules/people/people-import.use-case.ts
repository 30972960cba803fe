import type { Deps } from "../../deps.js";
import type { Incident, PersonImport } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import type { Actor } from "../audit/index.js";
import { startUploadedImport } from "./import-control.service.js";
import { discardUpload, loadImportOfIncident, mappingFromNamedColumns, recordPeopleUpload } from "./import-record.service.js";

/**
 * The people import as one story, from an uploaded file to people in the database:
 *
 *  1. recordPeopleUpload: the file's size, encoding, delimiter and header row are read once and
 *     stored on a new import record (uploaded), with the mapping it proposes.
 *  2. startPeopleImport: a manager (the mapping page) or a client (the API) settles the mapping;
 *     the import is queued as the people.import job, audited as person_import.start.
 *  3. The worker runs the job (people-jobs.ts, importPeopleFile): the rows are read once, each
 *     validated (person-row.ts), merged by unique key and written 2,000 at a time with the
 *     import's checkpoint (people-writer.ts); rejected rows go to the error report.
 *  4. The import ends completed, failed or cancelled with its counts, audited as
 *     person_import.finish (import-outcome.ts). Statuses and moves: import-lifecycle.ts.
 *
 * The command line does all four at once: importPeopleFile with a file.
 */

/** Step 2: queues an uploaded import with its mapping; conflict when it has been started or discarded already. */
export async function startPeopleImport(
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

/**
 * Steps 1 and 2 in one request (the API's upload): the file recorded, then, when asked, started
 * with the columns the client named; nothing of a refused request is kept.
 */
export async function uploadPeopleFile(
  deps: Deps,
  incident: Incident,
  stored: { path: string; fileName: string },
  request: { start: boolean; columns: Record<string, string> },
  actor: Actor,
): Promise<PersonImport> {
  const upload = await recordPeopleUpload(deps, incident, stored, actor);
  try {
    const mapping = mappingFromNamedColumns(upload, request.columns);
    if (!request.start) return { ...upload, mapping: JSON.stringify(mapping) };
    await startPeopleImport(deps, incident, upload, mapping, actor);
    return await loadImportOfIncident(deps, incident, upload.id, "The import is gone.");
  } catch (error) {
    await discardUpload(deps, upload);
    throw error;
  }
}

export { recordPeopleUpload };
