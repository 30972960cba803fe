import { Router } from "express";
import type { Deps } from "../../deps.js";
import { workspacePages } from "../../incident-sections.js";
import { mountRoutes } from "../../web/access.js";
import { createAccessHandlers } from "./incident-access.handlers.js";
import { createWorkspaceHandlers } from "./incident-workspace.handlers.js";
import { createIncidentsHandlers } from "./incidents.handlers.js";
import { workspaceRedirects } from "./workspace-redirects.middleware.js";

/** The incident list, the incident workspace's pages, and recording, editing and moving an incident. */
export function incidentsRoutes(deps: Deps): Router {
  const h = createIncidentsHandlers(deps);
  const w = createWorkspaceHandlers(deps);
  const team = createAccessHandlers(deps);
  const router = Router();
  // Mounted before the other modules' routers: their redirects to a section land on its page.
  router.use(workspaceRedirects(workspacePages));
  mountRoutes(router, [
    { method: "get", path: "/incidents", access: "viewer", handler: h.list },
    { method: "get", path: "/incidents/new", access: "manager", handler: h.showNew },
    { method: "post", path: "/incidents", access: "manager", handler: h.create },
    { method: "get", path: "/incidents/:ref", access: "viewer", handler: w.overview },
    { method: "get", path: "/incidents/:ref/timeline", access: "viewer", handler: w.page("timeline") },
    { method: "get", path: "/incidents/:ref/scope", access: "viewer", handler: w.page("scope") },
    { method: "get", path: "/incidents/:ref/assessment", access: "viewer", handler: w.page("assessment") },
    { method: "get", path: "/incidents/:ref/deadlines", access: "viewer", handler: w.page("deadlines") },
    { method: "get", path: "/incidents/:ref/notifications", access: "viewer", handler: w.page("notifications") },
    { method: "get", path: "/incidents/:ref/regulators", access: "viewer", handler: w.regulators },
    { method: "get", path: "/incidents/:ref/evidence", access: "viewer", handler: w.evidence },
    { method: "get", path: "/incidents/:ref/edit", access: "manager", handler: h.showEdit },
    { method: "post", path: "/incidents/:ref", access: "manager", handler: h.update },
    { method: "post", path: "/incidents/:ref/status", access: "manager", handler: h.transition },
    { method: "post", path: "/incidents/:ref/members", access: "manager", handler: team.addMember },
    { method: "post", path: "/incidents/:ref/members/:userId/remove", access: "manager", handler: team.removeMember },
    { method: "post", path: "/incidents/:ref/access", access: "manager", handler: team.setAccess },
  ]);
  return router;
}
