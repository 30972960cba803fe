import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createSystemsHandlers } from "./systems.handlers.js";

/** The systems an incident involves: add and edit (the list is the incident page's systems section). */
export function systemsRoutes(deps: Deps): Router {
  const h = createSystemsHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "post", path: "/incidents/:ref/systems", access: "manager", handler: h.create },
    { method: "get", path: "/incidents/:ref/systems/:systemId/edit", access: "manager", handler: h.showEdit },
    { method: "post", path: "/incidents/:ref/systems/:systemId", access: "manager", handler: h.update },
  ]);
  return router;
}
