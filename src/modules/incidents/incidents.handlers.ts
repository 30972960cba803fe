import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { listZones, toLocalInput } from "../../lib/instants.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderFormError } from "../../web/forms.js";
import { type IncidentStatus, incidentStatuses, statusLabels } from "./incident-lifecycle.policy.js";
import {
  incidentFilterSchema,
  incidentInputSchema,
  listSorts,
  severities,
  severityLabels,
  transitionSchema,
} from "./incidents.schemas.js";
import {
  createIncident,
  findIncidents,
  type Incident,
  listIncidentOwnerCandidates,
  loadIncident,
  loadTransitionChoices,
  transitionIncident,
  updateIncident,
} from "./incidents.service.js";

const PAGE_SIZE = 25;

/** The incident's editable fields as the form shows them: instants in the incident's zone. */
function formValuesOf(incident: Incident): Record<string, string> {
  const zone = incident.timeZone;
  const isSingleInstant = incident.occurredFrom && incident.occurredTo && +incident.occurredFrom === +incident.occurredTo;
  return {
    title: incident.title,
    summary: incident.summary,
    severity: incident.severity,
    timeZone: zone,
    ownerId: incident.ownerId ?? "",
    team: incident.team,
    occurredFrom: toLocalInput(incident.occurredFrom, zone),
    occurredTo: isSingleInstant ? "" : toLocalInput(incident.occurredTo, zone),
    detectedAt: toLocalInput(incident.detectedAt, zone),
    awareAt: toLocalInput(incident.awareAt, zone),
  };
}

export function createIncidentsHandlers(deps: Deps) {
  async function formLocals(title: string) {
    return { title, severities, severityLabels, zones: listZones(), owners: await listIncidentOwnerCandidates(deps) };
  }

  return {
    async list(req: Request, res: Response) {
      const filter = parseInput(incidentFilterSchema, req.query);
      const page = filter.page ?? 1;
      const reader = currentUser(res);
      if (!reader) throw new AppError("unauthenticated", "Sign in to continue.");
      const { incidents, total } = await findIncidents(deps, reader, filter, {
        take: PAGE_SIZE,
        skip: (page - 1) * PAGE_SIZE,
      });
      res.render("incidents/list", {
        title: "Incidents",
        incidents,
        total,
        page,
        pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
        filter: { ...filter, overdue: filter.overdue ? "1" : "" },
        statuses: incidentStatuses,
        statusLabels,
        severities,
        severityLabels,
        sorts: listSorts,
        owners: await listIncidentOwnerCandidates(deps),
      });
    },

    async showNew(_req: Request, res: Response) {
      const viewer = currentUser(res);
      res.render("incidents/form", {
        ...(await formLocals("Record an incident")),
        values: { severity: "high", timeZone: viewer?.timeZone ?? "UTC", ownerId: viewer?.id ?? "" },
        fieldErrors: {},
        action: "/incidents",
      });
    },

    async create(req: Request, res: Response) {
      try {
        const input = parseInput(incidentInputSchema, req.body);
        const incident = await createIncident(deps, input, actorOf(req, res));
        flash(req, "success", `${incident.reference} is recorded.`);
        res.redirect(303, `/incidents/${incident.reference}`);
      } catch (error) {
        renderFormError(res, "incidents/form", error, {
          ...(await formLocals("Record an incident")),
          values: formValues(req),
          action: "/incidents",
        });
      }
    },

    async showEdit(req: Request, res: Response) {
      const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
      res.render("incidents/form", {
        ...(await formLocals(`Edit ${incident.reference}`)),
        incident,
        values: formValuesOf(incident),
        fieldErrors: {},
        action: `/incidents/${incident.reference}`,
      });
    },

    async update(req: Request, res: Response) {
      const reference = String(req.params.ref);
      try {
        const input = parseInput(incidentInputSchema, req.body);
        const incident = await updateIncident(deps, reference, input, actorOf(req, res));
        flash(req, "success", "The incident's details are saved.");
        res.redirect(303, `/incidents/${incident.reference}`);
      } catch (error) {
        const incident = await loadIncident(deps.db.prisma, reference);
        renderFormError(res, "incidents/form", error, {
          ...(await formLocals(`Edit ${incident.reference}`)),
          incident,
          values: formValues(req),
          action: `/incidents/${incident.reference}`,
        });
      }
    },

    async transition(req: Request, res: Response) {
      const reference = String(req.params.ref);
      try {
        const input = parseInput(transitionSchema, req.body);
        const incident = await transitionIncident(deps, reference, input, actorOf(req, res));
        flash(req, "success", `${incident.reference} is now ${statusLabels[incident.status as IncidentStatus].toLowerCase()}.`);
        res.redirect(303, `/incidents/${incident.reference}`);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== "validation") throw error;
        const incident = await loadIncident(deps.db.prisma, reference);
        const { offered, blocked } = await loadTransitionChoices(deps.db.prisma, incident);
        res.status(400).render("incidents/transition", {
          title: `Change the status of ${incident.reference}`,
          incident,
          statusLabels,
          transitions: offered,
          blocked,
          values: formValues(req),
          error: error.message,
          fieldErrors: error.fieldErrors,
        });
      }
    },
  };
}
