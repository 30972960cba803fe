import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { parseInput } from "../../lib/validation.js";
import { currentUser, isAllowed } from "../../web/access.js";
import { loadIncident } from "../incidents/index.js";
import type { Role } from "../users/index.js";
import { peopleFilterFields, peoplePageQuerySchema } from "./people-browse.schemas.js";
import {
  listImportsWithPeople,
  listPeople,
  loadIncidentCategories,
  PEOPLE_PAGE_SIZE,
  resolvePeopleFilter,
  summarizeIncidentPeople,
} from "./people-browse.service.js";
import { valueWarnings, warningMessages } from "./person-warnings.policy.js";
import { listOutstandingRejections } from "./rejected-rows.service.js";

const LIST_VIEW = "people/list";

/** The filter values as typed, to show them again in the form (the first of a repeated one). */
function typedFilter(query: Request["query"]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of Object.keys(peopleFilterFields)) {
    const value = query[key];
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === "string") values[key] = first.slice(0, 200);
  }
  return values;
}

/** The handlers of the incident's people page. */
export function createPeopleListHandlers(deps: Deps) {
  return {
    /** /incidents/:ref/people: the counts, the filtered keyset page of people, and the imports. */
    async list(req: Request, res: Response) {
      const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
      const categories = await loadIncidentCategories(deps, incident);
      const summary = await summarizeIncidentPeople(deps, incident, categories);
      const imports = await listImportsWithPeople(deps, incident);
      const notImported = await listOutstandingRejections(deps.db.prisma, incident.id);
      const base = {
        notImported,
        title: `People of ${incident.reference}`,
        incident,
        summary,
        imports,
        categories,
        values: typedFilter(req.query),
        warningChoices: valueWarnings.map((code) => [code, warningMessages[code].split(":")[0]]),
        canEdit: isAllowed(currentUser(res)?.role as Role | undefined, "manager"),
        viewerZone: currentUser(res)?.timeZone ?? "UTC",
        path: `/incidents/${encodeURIComponent(incident.reference)}/people`,
      };
      try {
        const query = parseInput(peoplePageQuerySchema, req.query);
        const { after, before, ...filterInput } = query;
        const filter = await resolvePeopleFilter(deps, incident, filterInput, categories);
        const page = await listPeople(deps, incident, {
          filter,
          after,
          before,
          limit: PEOPLE_PAGE_SIZE,
          knownTotal: summary.total,
        });
        const isFiltered = Object.values(filter).some((v) => v !== undefined);
        res.render(LIST_VIEW, {
          ...base,
          page,
          isFiltered,
          isFirstPage: !after && !before,
          // The filters as query parameters, for the links to the other pages of the same list.
          filterParams: filterInput,
          error: "",
          fieldErrors: {},
        });
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== "validation") throw error;
        res.status(400).render(LIST_VIEW, {
          ...base,
          page: null,
          isFiltered: true,
          isFirstPage: true,
          filterParams: {},
          error: `${error.message} Correct the filter to see the list.`,
          fieldErrors: error.fieldErrors,
        });
      }
    },
  };
}
