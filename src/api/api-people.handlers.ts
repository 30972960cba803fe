import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { parseInput } from "../lib/validation.js";
import { loadIncident } from "../modules/incidents/index.js";
import {
  deletePerson,
  listPeople,
  loadIncidentCategories,
  loadPerson,
  peopleApiQuerySchema,
  resolvePeopleFilter,
  summarizeIncidentPeople,
} from "../modules/people/index.js";
import { peoplePath, serializePerson } from "./api.serializers.js";
import { apiActor } from "./api-auth.js";

/** The affected people endpoints: the counts, the filtered list, one person, deleting one. */
export function createApiPeopleHandlers(deps: Deps) {
  const { prisma } = deps.db;
  return {
    async list(req: Request, res: Response) {
      const { after, limit, ...filterInput } = parseInput(peopleApiQuerySchema, req.query);
      const incident = await loadIncident(prisma, String(req.params.ref));
      const categories = await loadIncidentCategories(deps, incident);
      const filter = await resolvePeopleFilter(deps, incident, filterInput, categories);
      const page = await listPeople(deps, incident, { filter, after, limit });
      res.json({
        data: page.people.map((p) => serializePerson(incident.reference, p)),
        page: {
          limit,
          after: after ?? null,
          nextAfter: page.nextAfter,
          total: page.matching.count,
          isTotalExact: page.matching.isExact,
        },
      });
    },

    async summary(req: Request, res: Response) {
      const incident = await loadIncident(prisma, String(req.params.ref));
      const summary = await summarizeIncidentPeople(deps, incident, await loadIncidentCategories(deps, incident));
      res.json({ ...summary, links: { people: peoplePath(incident.reference) } });
    },

    async show(req: Request, res: Response) {
      const incident = await loadIncident(prisma, String(req.params.ref));
      const { person } = await loadPerson(deps, incident, String(req.params.personId));
      res.json(serializePerson(incident.reference, person));
    },

    async remove(req: Request, res: Response) {
      await deletePerson(deps, String(req.params.ref), String(req.params.personId), apiActor(req, res));
      res.status(204).end();
    },
  };
}
