// The rows of the endpoint table (api-endpoints.ts) for an incident's team and access
// (need-to-know, decision 0030). Their handlers are in api-incident-access.handlers.ts.
import { z } from "zod/v4";
import type { Deps } from "../deps.js";
import { incidentAccessLevels, incidentRoles } from "../modules/incidents/index.js";
import type { ApiEndpoint } from "./api-endpoints.js";
import { createApiIncidentAccessHandlers } from "./api-incident-access.handlers.js";
import { instant, named } from "./api-responses.schemas.js";

type Row = Omit<ApiEndpoint, "tag">;

const team = named(
  "IncidentTeam",
  "Who reads the incident (restricted: its members and administrators; open: every user) and its members, each with their role on it, which can lower their global role there, never raise it.",
  z.object({
    reference: z.string(),
    access: z.enum(incidentAccessLevels),
    members: z.array(
      z.object({
        userId: z.string(),
        name: z.string(),
        email: z.string(),
        globalRole: z.string(),
        role: z.enum(incidentRoles),
        addedAt: instant,
      }),
    ),
  }),
);

const memberBody = named(
  "NewIncidentMember",
  "A user to put on the incident's team, by e-mail address, with their role on it (a member already there gets the new role).",
  z.object({ email: z.string(), role: z.enum(incidentRoles) }),
);

const accessBody = named("IncidentAccess", "Who reads the incident.", z.object({ access: z.enum(incidentAccessLevels) }));

/** The team and the access setting under the incident's path. */
export function incidentAccessEndpoints(deps: Deps, incident: string): Row[] {
  const h = createApiIncidentAccessHandlers(deps);
  const members = `${incident}/members`;
  return [
    {
      method: "get",
      role: "viewer",
      path: members,
      handler: h.list,
      summary: "List the incident's team and whether it is restricted to it",
      success: { status: 200, schema: team },
    },
    {
      method: "post",
      role: "manager",
      path: members,
      handler: h.add,
      request: memberBody,
      summary: "Put a user on the team, or change their role on it; audited and on the timeline",
      success: { status: 200, schema: team },
    },
    {
      method: "delete",
      role: "manager",
      path: `${members}/:userId`,
      handler: h.remove,
      summary: "Take a user off the team (409 for the last lead of a restricted incident); audited and on the timeline",
      success: { status: 204 },
      canConflict: true,
    },
    {
      method: "post",
      role: "manager",
      path: `${incident}/access`,
      handler: h.setAccess,
      request: accessBody,
      summary: "Restrict the incident to its team, or open it to every user; audited and on the timeline",
      success: { status: 200, schema: team },
    },
  ];
}
