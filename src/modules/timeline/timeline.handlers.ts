import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { formatInZone, listZones } from "../../lib/instants.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { correctionFormView, eventFormView, importRowsView, timelineSection } from "./timeline.section.js";
import { addTimelineEvent, correctTimelineEvent, loadTimelineIncident } from "./timeline.service.js";
import {
  confirmTimelineImport,
  MAX_IMPORT_BYTES,
  previewTimelineImport,
  timelineImportErrorReport,
  uploadTimelineCsv,
} from "./timeline-import.service.js";
import { uploadedFileOf } from "./timeline-upload.middleware.js";

/** What was typed into an event form, to show it again: strings, and the list of systems. */
function typedValues(req: Request) {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : "");
  const ids = body.systemIds;
  return {
    kind: text("kind"),
    description: text("description"),
    occurredAt: text("occurredAt"),
    occurredAtZone: text("occurredAtZone"),
    visibility: text("visibility"),
    systemIds: Array.isArray(ids) ? ids.map(String) : typeof ids === "string" ? [ids] : [],
  };
}

/** Only refusals of the input re-render the form; anything else goes to the error page. */
function isFormRefusal(error: unknown): error is AppError {
  return error instanceof AppError && error.code === "validation";
}

export function createTimelineHandlers(deps: Deps) {
  const ref = (req: Request) => String(req.params.ref);
  const importPath = (req: Request) => `/incidents/${encodeURIComponent(ref(req))}/events/import`;

  return {
    /** The chronology on a page of its own (the incident page shows the same section). */
    async show(req: Request, res: Response) {
      const incident = await loadTimelineIncident(deps.db.prisma, ref(req));
      const data = await timelineSection.load(deps, incident, currentUser(res)!);
      res.render("timeline/index", { title: `Timeline of ${incident.reference}`, incident, ...data });
    },

    async add(req: Request, res: Response) {
      try {
        const { incident } = await addTimelineEvent(deps, ref(req), req.body, actorOf(req, res));
        flash(req, "success", "The event is on the timeline.");
        res.redirect(303, `/incidents/${encodeURIComponent(incident.reference)}#timeline`);
      } catch (error) {
        if (!isFormRefusal(error)) throw error;
        const incident = await loadTimelineIncident(deps.db.prisma, ref(req));
        const form = await eventFormView(deps, incident, { values: typedValues(req), fieldErrors: error.fieldErrors });
        res.status(400).render("timeline/add", {
          title: `Add an event to ${incident.reference}`,
          incident,
          form,
          error: error.message,
          fieldErrors: error.fieldErrors,
        });
      }
    },

    /** The form that corrects one entry, filled with the entry's values. */
    async showCorrect(req: Request, res: Response) {
      const incident = await loadTimelineIncident(deps.db.prisma, ref(req));
      const { event, form } = await correctionFormView(deps, incident, String(req.params.eventId));
      res.render("timeline/correct", { title: `Correct an entry of ${incident.reference}`, incident, event, form, error: "" });
    },

    async correct(req: Request, res: Response) {
      const eventId = String(req.params.eventId);
      try {
        const { incident, event } = await correctTimelineEvent(deps, ref(req), eventId, req.body, actorOf(req, res));
        flash(req, "success", "The correction is on the timeline; the entry it corrects is kept and marked corrected.");
        res.redirect(303, `/incidents/${encodeURIComponent(incident.reference)}#event-${event.id}`);
      } catch (error) {
        if (!isFormRefusal(error)) throw error;
        const incident = await loadTimelineIncident(deps.db.prisma, ref(req));
        const form = await eventFormView(deps, incident, {
          values: typedValues(req),
          fieldErrors: error.fieldErrors,
          correctsId: eventId,
        });
        res.status(400).render("timeline/correct", {
          title: `Correct an entry of ${incident.reference}`,
          incident,
          form,
          error: error.message,
        });
      }
    },

    async showImport(req: Request, res: Response) {
      const incident = await loadTimelineIncident(deps.db.prisma, ref(req));
      renderUpload(res, incident, { defaultZone: incident.timeZone }, {});
    },

    async upload(req: Request, res: Response) {
      const file = uploadedFileOf(req);
      try {
        const upload = await uploadTimelineCsv(deps, ref(req), file, req.body, actorOf(req, res));
        res.redirect(303, `${importPath(req)}/${upload.id}`);
      } catch (error) {
        if (!isFormRefusal(error)) throw error;
        const incident = await loadTimelineIncident(deps.db.prisma, ref(req));
        const body = (req.body ?? {}) as Record<string, unknown>;
        const defaultZone = typeof body.defaultZone === "string" ? body.defaultZone : incident.timeZone;
        res.status(file?.isTooLarge ? 413 : 400);
        renderUpload(res, incident, { defaultZone }, error.fieldErrors, error.message);
      }
    },

    async preview(req: Request, res: Response) {
      const { incident, upload, csv } = await previewTimelineImport(deps, ref(req), String(req.params.importId));
      const viewerZone = currentUser(res)!.timeZone;
      res.render("timeline/import-preview", {
        title: `Preview of ${upload.fileName}`,
        incident,
        upload,
        csv,
        rows: importRowsView(csv.rows, viewerZone),
        viewerZone,
        importedAtText: upload.importedAt ? formatInZone(upload.importedAt, viewerZone) : "",
        importPath: importPath(req),
      });
    },

    async errorReport(req: Request, res: Response) {
      const { fileName, report } = await timelineImportErrorReport(deps, ref(req), String(req.params.importId));
      const name = `${fileName.replace(/\.csv$/i, "").replace(/[^\w.-]+/g, "_")}-errors.csv`;
      res.type("text/csv; charset=utf-8").attachment(name).send(report);
    },

    async confirmImport(req: Request, res: Response) {
      const back = `${importPath(req)}/${encodeURIComponent(String(req.params.importId))}`;
      try {
        const outcome = await confirmTimelineImport(deps, ref(req), String(req.params.importId), actorOf(req, res));
        if (outcome.isAlreadyImported) {
          flash(req, "info", "This file was imported already; nothing was added this time.");
          return res.redirect(303, back);
        }
        const skipped = outcome.skipped ? ` ${outcome.skipped} row${outcome.skipped === 1 ? "" : "s"} with errors left out.` : "";
        flash(req, "success", `${outcome.imported} event${outcome.imported === 1 ? "" : "s"} imported.${skipped}`);
        res.redirect(303, `/incidents/${encodeURIComponent(outcome.reference)}#timeline`);
      } catch (error) {
        if (!isFormRefusal(error)) throw error;
        flash(req, "error", error.message);
        res.redirect(303, back);
      }
    },
  };
}

function renderUpload(
  res: Response,
  incident: { reference: string; title: string; timeZone: string },
  values: { defaultZone: string },
  fieldErrors: Record<string, string>,
  error?: string,
) {
  res.render("timeline/import", {
    title: `Import events into ${incident.reference}`,
    incident,
    values,
    fieldErrors,
    error,
    zones: listZones(),
    maxMiB: MAX_IMPORT_BYTES / 1024 / 1024,
  });
}
