import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { AppError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { parseInput } from "../lib/validation.js";
import { loadIncident } from "../modules/incidents/index.js";
import {
  assertNoActiveImport,
  type ImportIncident as Incident,
  importResultOf,
  listImportsOfIncident,
  loadImportOfIncident,
  MAX_PEOPLE_UPLOAD_BYTES,
  mappingFromNamedColumns,
  missingErrorReportMessage,
  type ImportRecord as PersonImport,
  rejectedResolutionSchema,
  resolveRejectedRows,
  startPeopleImport,
  uploadDirectory,
  uploadPeopleFile,
} from "../modules/people/index.js";
import { peopleImportStartSchema, peopleUploadQuerySchema } from "./api.schemas.js";
import { peoplePath, serializePersonImport as serializeRecord } from "./api.serializers.js";
import { apiActor } from "./api-auth.js";
import { receiveUploadBody } from "./api-upload.js";

/** An import as the API shows it: the record's fields, with the people module's warnings and rejected rows. */
const serializePersonImport = (reference: string, row: PersonImport) => ({
  ...serializeRecord(reference, row),
  ...importResultOf(row),
});

export interface PeopleImportApiOptions {
  /** The largest CSV body accepted; default MAX_PEOPLE_UPLOAD_BYTES (2 GiB), as on the site. */
  maxUploadBytes?: number;
}

/**
 * The people import endpoints: upload a CSV body (and start it, unless asked not to), start an
 * uploaded one with a mapping, poll one, list the recent ones, download the error report. The
 * import runs as the background job "people.import", as one started on the site does.
 */
export function createApiPeopleImportHandlers(deps: Deps, options: PeopleImportApiOptions = {}) {
  const maxBytes = options.maxUploadBytes ?? MAX_PEOPLE_UPLOAD_BYTES;
  const { prisma } = deps.db;

  const loadImport = async (req: Request) => {
    const incident = await loadIncident(prisma, String(req.params.ref));
    const importId = String(req.params.importId);
    const upload = await loadImportOfIncident(deps, incident, importId, `${incident.reference} has no import ${importId}.`);
    return { incident, upload };
  };

  const accepted = (res: Response, incident: Incident, row: PersonImport) =>
    res
      .status(202)
      .location(serializePersonImport(incident.reference, row).links.self)
      .json(serializePersonImport(incident.reference, row));

  return {
    async upload(req: Request, res: Response) {
      const query = parseInput(peopleUploadQuerySchema, req.query);
      const incident = await loadIncident(prisma, String(req.params.ref));
      // Refused before a byte is stored: no point receiving 2 GiB that cannot start.
      if (query.start) await assertNoActiveImport(deps, incident);
      const path = join(uploadDirectory(deps.config.DATABASE_URL), `${newId()}.csv`);
      await receiveUploadBody(req, res, path, maxBytes);
      // Nothing of a refused request is kept: the client sends it again with what was wrong put right.
      const request = { start: query.start, columns: query.map };
      const upload = await uploadPeopleFile(
        deps,
        incident,
        { path, fileName: query.fileName },
        request,
        apiActor(req, res),
      ).catch((error: unknown) => {
        throw renameMappingErrors(error, "map");
      });
      if (query.start) return accepted(res, incident, upload);
      const body = serializePersonImport(incident.reference, upload);
      res.status(201).location(body.links.self).json(body);
    },

    async start(req: Request, res: Response) {
      const body = parseInput(peopleImportStartSchema, req.body);
      const { incident, upload } = await loadImport(req);
      if (upload.status !== "uploaded") {
        throw new AppError(
          "conflict",
          `This import has left the uploaded state (it is ${upload.status}); upload the file again to rerun it.`,
        );
      }
      try {
        const mapping = mappingFromNamedColumns(upload, body.mapping ?? {});
        await startPeopleImport(deps, incident, upload, mapping, apiActor(req, res));
      } catch (error) {
        throw renameMappingErrors(error, "mapping");
      }
      accepted(res, incident, await loadImportOfIncident(deps, incident, upload.id, "The import is gone."));
    },

    async show(req: Request, res: Response) {
      const { incident, upload } = await loadImport(req);
      res.json(serializePersonImport(incident.reference, upload));
    },

    async list(req: Request, res: Response) {
      const incident = await loadIncident(prisma, String(req.params.ref));
      const rows = await listImportsOfIncident(deps, incident, 50);
      res.json({
        data: rows.map((row) => serializePersonImport(incident.reference, row)),
        links: { people: peoplePath(incident.reference) },
      });
    },

    async resolveRejected(req: Request, res: Response) {
      const input = parseInput(rejectedResolutionSchema, req.body ?? {});
      const { incident, upload } = await loadImport(req);
      await resolveRejectedRows(deps, incident, upload.id, input, apiActor(req, res), "api");
      const resolved = await loadImportOfIncident(deps, incident, upload.id, "The import is gone.");
      res.json(serializePersonImport(incident.reference, resolved));
    },

    async errors(req: Request, res: Response) {
      const { upload } = await loadImport(req);
      const path = upload.errorReportPath;
      const info = path ? await stat(path).catch(() => null) : null;
      if (!path || !info) throw new AppError("not_found", await missingErrorReportMessage(prisma, upload));
      res.type("text/csv; charset=utf-8");
      res.attachment(`${upload.fileName.replace(/\.(csv|txt|tsv)$/i, "").replace(/[^\w.-]+/g, "_") || "import"}-errors.csv`);
      res.setHeader("content-length", String(info.size));
      createReadStream(path).pipe(res);
    },
  };
}

/**
 * The mapping's messages name the columns; the API reports them under the parameter that
 * carried the mapping (map or mapping), each message naming its column.
 */
function renameMappingErrors(error: unknown, field: string): unknown {
  if (!(error instanceof AppError) || error.code !== "validation" || Object.keys(error.fieldErrors).length === 0) return error;
  return new AppError(error.code, error.message, { [field]: Object.values(error.fieldErrors).join(" ") });
}
