import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { parseInput } from "../lib/validation.js";
import {
  accessInputSchema,
  addIncidentMember,
  loadIncident,
  loadIncidentTeamJson,
  memberInputSchema,
  removeIncidentMember,
  setIncidentAccess,
} from "../modules/incidents/index.js";
import { apiActor } from "./api-auth.js";

/** The incident's team and access (decision 0030), as JSON: the same use cases as the evidence page's section. */
export function createApiIncidentAccessHandlers(deps: Deps) {
  async function teamJson(reference: string) {
    return loadIncidentTeamJson(deps, await loadIncident(deps.db.prisma, reference));
  }

  return {
    async list(req: Request, res: Response) {
      res.json(await teamJson(String(req.params.ref)));
    },

    async add(req: Request, res: Response) {
      const input = parseInput(memberInputSchema, req.body);
      const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
      await addIncidentMember(deps, incident, input, apiActor(req, res));
      res.json(await teamJson(incident.reference));
    },

    async remove(req: Request, res: Response) {
      const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
      await removeIncidentMember(deps, incident, String(req.params.userId), apiActor(req, res));
      res.status(204).end();
    },

    async setAccess(req: Request, res: Response) {
      const input = parseInput(accessInputSchema, req.body);
      const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
      await setIncidentAccess(deps, incident, input, apiActor(req, res));
      res.json(await teamJson(incident.reference));
    },
  };
}
