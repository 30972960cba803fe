import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { parseInput } from "../lib/validation.js";
import { createIncident, findIncidents, incidentInputSchema, loadIncident } from "../modules/incidents/index.js";
import { incidentListQuerySchema, pageQuerySchema } from "./api.schemas.js";
import { incidentPath, pageInfo, serializeAuditEntry, serializeIncident } from "./api.serializers.js";
import { loadIncidentAuditPage } from "./api-audit.service.js";
import { apiActor, apiCallerOf } from "./api-auth.js";

/** The incident endpoints: create, list, read, and the incident's audit trail. */
export function createApiIncidentHandlers(deps: Deps) {
  return {
    async create(req: Request, res: Response) {
      const input = parseInput(incidentInputSchema, req.body);
      const incident = await createIncident(deps, input, apiActor(req, res));
      res.status(201).location(incidentPath(incident.reference)).json(serializeIncident(incident));
    },

    async list(req: Request, res: Response) {
      const query = parseInput(incidentListQuerySchema, req.query);
      const { incidents, total } = await findIncidents(
        deps,
        apiCallerOf(res).user,
        {
          status: query.status,
          severity: query.severity,
          q: query.q,
          owner: query.owner,
          overdue: query.overdue,
          sort: query.sort,
        },
        { take: query.limit, skip: query.offset },
      );
      res.json({ data: incidents.map(serializeIncident), page: pageInfo(query, total) });
    },

    async show(req: Request, res: Response) {
      const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
      res.json(serializeIncident(incident));
    },

    async audit(req: Request, res: Response) {
      const page = parseInput(pageQuerySchema, req.query);
      const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
      const { entries, total } = await loadIncidentAuditPage(deps, incident.id, {
        take: page.limit,
        skip: page.offset,
      });
      res.json({ data: entries.map(serializeAuditEntry), page: pageInfo(page, total) });
    },
  };
}
