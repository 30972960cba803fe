import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, isAllowed } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { loadIncident } from "../incidents/index.js";
import type { Role } from "../users/index.js";
import type { CsvRecord } from "./csv-file.service.js";
import { describeEncoding, type TextEncodingName } from "./encoding.service.js";
import { cancelImport, startUploadedImport } from "./import-control.service.js";
import { readPreviewRows } from "./import-file.service.js";
import { describeFilesDeletion, missingErrorReportMessage } from "./import-files.service.js";
import { isImportWriting, RUNNING_STATUSES, STALE_RUNNING_IMPORT_MS } from "./import-lifecycle.policy.js";
import { describeImportProgress } from "./import-progress.policy.js";
import {
  type ImportIncident as Incident,
  listImportsOfIncident,
  loadImportOfIncident,
  mappingFromChoices,
  type ImportRecord as PersonImport,
  storedMappingOf,
} from "./import-record.service.js";
import { recordPeopleUpload } from "./people-import.use-case.js";
import { describeUploadLimit, discardStoredUpload, keepStoredUpload, storedUploadOf } from "./people-upload.middleware.js";
import { personFields } from "./person-fields.policy.js";
import { describeReason } from "./person-row.policy.js";
import { type ImportWarning, warningMessages } from "./person-warnings.policy.js";
import { rejectedResolutionSchema } from "./rejected-rows.schemas.js";
import { describeRejectedRows, resolveRejectedRows } from "./rejected-rows.service.js";

const IMPORT_VIEW = "people/import";
const REFUSED_VIEW = "people/refused";
const PREVIEW_ROWS = 10;

const fieldLabels: Record<string, string> = {
  externalId: "External id",
  name: "Full name",
  givenName: "Given name",
  familyName: "Family name",
  email: "Email",
  phone: "Phone",
  postalAddress: "Postal address (street)",
  city: "Town or city",
  region: "State or region",
  postcode: "Postcode",
  country: "Country",
  language: "Preferred language",
  isAtRisk: "At risk",
  attribute: "Keep as attribute",
  ignore: "Ignore",
};

const delimiterLabels: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

/** Counts by code as stored on the record, most first, each with its words. */
function countsOf(text: string, describe: (code: string) => string): { reason: string; message: string; count: number }[] {
  let parsed: Record<string, number> = {};
  try {
    parsed = JSON.parse(text) as Record<string, number>;
  } catch {
    parsed = {};
  }
  return Object.entries(parsed)
    .map(([reason, count]) => ({ reason, message: describe(reason), count }))
    .sort((a, b) => b.count - a.count);
}

const describeWarningCode = (code: string) => warningMessages[code as ImportWarning] ?? code;

/** The handlers of the people import routes. */
export function createPeopleHandlers(deps: Deps) {
  const { prisma } = deps.db;

  const loadUpload = async (req: Request) => {
    const incident = await loadIncident(prisma, String(req.params.ref));
    const upload = await loadImportOfIncident(deps, incident, String(req.params.importId), "No such import of this incident.");
    return { incident, upload };
  };

  /** The incident's completed imports after this one: those that may have taken its rejected rows. */
  const listLaterImports = async (incident: Incident, upload: PersonImport) =>
    (await listImportsOfIncident(deps, incident, 50)).filter(
      (other) => other.id !== upload.id && other.status === "completed" && other.createdAt >= upload.createdAt,
    );

  const importPath = (incident: Incident, upload: PersonImport) =>
    `/incidents/${encodeURIComponent(incident.reference)}/people/imports/${upload.id}`;

  const renderImport = async (
    req: Request,
    res: Response,
    incident: Incident,
    upload: PersonImport,
    error?: string,
    resolution?: { values: Record<string, unknown>; fieldErrors: Record<string, string> },
  ): Promise<void> => {
    const canEdit = isAllowed(res.locals.currentUser?.role as Role | undefined, "manager");
    const base = {
      title: `People import ${upload.fileName} · ${incident.reference}`,
      incident,
      upload,
      canEdit,
      path: importPath(incident, upload),
      error: error ?? "",
      encodingLabel: upload.encoding ? describeEncoding(upload.encoding as TextEncodingName) : "",
      delimiterLabel: delimiterLabels[upload.delimiter] ?? upload.delimiter,
    };
    if (upload.status === "uploaded") {
      let preview: CsvRecord[] = [];
      let fileError = "";
      try {
        const encoding = upload.encoding as TextEncodingName;
        preview = await readPreviewRows(upload.filePath, encoding, upload.delimiter, PREVIEW_ROWS);
      } catch (readError) {
        fileError = `The file cannot be read any more: ${(readError as Error).message}`;
      }
      // The columns as the upload recorded them (header -> proposed field), the form's choice first.
      const fileHeaders = (preview[0]?.fields ?? []).map((h) => h.trim());
      const proposed = Object.entries(storedMappingOf(upload));
      const chosen = mappingFromChoices(upload, (req.body ?? {}) as Record<string, unknown>);
      const columns = proposed.map(([header], index) => ({ index, header, field: chosen[header]! }));
      const at = proposed.map(([header]) => fileHeaders.indexOf(header));
      const rows = preview.slice(1).map((row) => ({ ...row, fields: at.map((i) => row.fields[i] ?? "") }));
      res.render(IMPORT_VIEW, {
        ...base,
        phase: "mapping",
        error: base.error || fileError,
        columns,
        rows,
        fields: personFields,
        fieldLabels,
      });
      return;
    }
    const now = deps.clock.now();
    const status = upload.status;
    const isActive = isImportWriting(status);
    res.render(IMPORT_VIEW, {
      ...base,
      phase: "progress",
      status,
      isActive,
      counts: upload,
      progress: describeImportProgress(upload, now),
      // A run writes after every batch; this long without a write, its worker has probably stopped.
      isStalled: RUNNING_STATUSES.includes(status) && now.getTime() - upload.updatedAt.getTime() > STALE_RUNNING_IMPORT_MS,
      reasons: isActive ? [] : countsOf(upload.reasons, describeReason),
      warnings: isActive ? [] : countsOf(upload.warnings, describeWarningCode),
      rejectedRows: describeRejectedRows(upload),
      laterImports: isActive ? [] : await listLaterImports(incident, upload),
      resolution: resolution ?? { values: {}, fieldErrors: {} },
      hasErrorReport: !isActive && Boolean(upload.errorReportPath),
      filesDeletion: await describeFilesDeletion(prisma, upload),
    });
  };

  /** Records the stored upload as an import (status uploaded) and shows its mapping page, or refuses it. */
  const recordUpload = async (req: Request, res: Response) => {
    const incident = await loadIncident(prisma, String(req.params.ref));
    const file = storedUploadOf(req);
    const refuse = async (status: number, message: string) => {
      await discardStoredUpload(req);
      res.status(status).render(REFUSED_VIEW, { title: `People import · ${incident.reference}`, incident, message });
    };
    if (!file || !file.fileName) return refuse(400, "Choose a CSV file to upload.");
    if (file.isTooLarge) {
      const limit = describeUploadLimit(deps.config.PEOPLE_UPLOAD_MAX_MIB);
      return refuse(413, `The file is too large: the limit is ${limit}. Split it into smaller files and import each one.`);
    }
    let created: PersonImport;
    try {
      created = await recordPeopleUpload(deps, incident, { path: file.path, fileName: file.fileName }, actorOf(req, res));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return refuse(400, error.message);
    }
    keepStoredUpload(req);
    res.redirect(303, importPath(incident, created));
  };

  return {
    async upload(req: Request, res: Response) {
      try {
        await recordUpload(req, res);
      } catch (error) {
        // Nothing of a refused upload stays on disk, whatever refused it.
        await discardStoredUpload(req);
        throw error;
      }
    },

    async show(req: Request, res: Response) {
      const { incident, upload } = await loadUpload(req);
      await renderImport(req, res, incident, upload);
    },

    async start(req: Request, res: Response) {
      const { incident, upload } = await loadUpload(req);
      if (upload.status !== "uploaded") return res.redirect(303, importPath(incident, upload));
      const mapping = mappingFromChoices(upload, (req.body ?? {}) as Record<string, unknown>);
      try {
        await startUploadedImport(deps, incident, upload, mapping, actorOf(req, res));
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== "conflict") throw error;
        return renderImport(req, res.status(409), incident, upload, error.message);
      }
      flash(req, "success", `The import of ${upload.fileName} is queued.`);
      res.redirect(303, importPath(incident, upload));
    },

    async cancel(req: Request, res: Response) {
      const { incident, upload } = await loadUpload(req);
      const isCancelled = await cancelImport(deps, incident, upload, actorOf(req, res));
      flash(
        req,
        isCancelled ? "success" : "error",
        isCancelled ? `The import of ${upload.fileName} is cancelled.` : "The import has already ended.",
      );
      res.redirect(303, importPath(incident, upload));
    },

    /** Records what became of the import's rejected rows (imported by a later import, or dismissed with a note). */
    async resolveRejected(req: Request, res: Response) {
      const { incident, upload } = await loadUpload(req);
      const values = (req.body ?? {}) as Record<string, unknown>;
      try {
        const input = parseInput(rejectedResolutionSchema, {
          resolution: values.resolution,
          note: values.note,
          importedBy: values.resolution === "imported" ? values.importedBy : undefined,
        });
        const resolved = await resolveRejectedRows(deps, incident, upload.id, input, actorOf(req, res));
        const rows = `${resolved.rows.toLocaleString("en")} rejected ${resolved.rows === 1 ? "row is" : "rows are"}`;
        flash(req, "success", `The ${rows} recorded as ${resolved.resolution}, on the incident's timeline.`);
        res.redirect(303, `${importPath(incident, upload)}#rejected-rows`);
      } catch (error) {
        if (!(error instanceof AppError) || !["validation", "conflict"].includes(error.code)) throw error;
        const status = error.code === "conflict" ? 409 : 400;
        const fieldErrors = error.code === "validation" ? error.fieldErrors : {};
        await renderImport(req, res.status(status), incident, upload, error.code === "conflict" ? error.message : "", {
          values,
          fieldErrors,
        });
      }
    },

    async errors(req: Request, res: Response) {
      const { upload } = await loadUpload(req);
      const path = upload.errorReportPath;
      const info = path ? await stat(path).catch(() => null) : null;
      if (!path || !info) throw new AppError("not_found", await missingErrorReportMessage(prisma, upload));
      const name = `${upload.fileName.replace(/\.(csv|txt|tsv)$/i, "").replace(/[^\w.-]+/g, "_") || "import"}-errors.csv`;
      res.attachment(name);
      res.type("text/csv; charset=utf-8");
      res.setHeader("content-length", String(info.size));
      createReadStream(path).pipe(res);
    },
  };
}
