import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createRegisterHandlers } from "./register.handlers.js";

/** The breach register: every incident with its record, for every signed-in user, and its CSV. */
export function registerRoutes(deps: Deps): Router {
  const h = createRegisterHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "get", path: "/register", access: "viewer", handler: h.page },
    { method: "get", path: "/register.csv", access: "viewer", handler: h.csv },
  ]);
  return router;
}
