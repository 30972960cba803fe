import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createActionsHandlers } from "./actions.handlers.js";

/** An incident's remedial actions: add and edit (the list is the incident page's actions section). */
export function actionsRoutes(deps: Deps): Router {
  const h = createActionsHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "post", path: "/incidents/:ref/actions", access: "manager", handler: h.create },
    { method: "get", path: "/incidents/:ref/actions/:actionId/edit", access: "manager", handler: h.showEdit },
    { method: "post", path: "/incidents/:ref/actions/:actionId", access: "manager", handler: h.update },
  ]);
  return router;
}
