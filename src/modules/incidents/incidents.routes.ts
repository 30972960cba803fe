import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createIncidentsHandlers } from "./incidents.handlers.js";

/** The incident list, the incident page, and recording, editing and moving an incident. */
export function incidentsRoutes(deps: Deps): Router {
  const h = createIncidentsHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "get", path: "/incidents", access: "viewer", handler: h.list },
    { method: "get", path: "/incidents/new", access: "manager", handler: h.showNew },
    { method: "post", path: "/incidents", access: "manager", handler: h.create },
    { method: "get", path: "/incidents/:ref", access: "viewer", handler: h.show },
    { method: "get", path: "/incidents/:ref/edit", access: "manager", handler: h.showEdit },
    { method: "post", path: "/incidents/:ref", access: "manager", handler: h.update },
    { method: "post", path: "/incidents/:ref/status", access: "manager", handler: h.transition },
  ]);
  return router;
}
