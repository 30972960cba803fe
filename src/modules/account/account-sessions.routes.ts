import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createAccountSessionsHandlers } from "./account-sessions.handlers.js";

/**
 * Sessions and tokens a user can see and end (decision 0028). Mounted before accountRoutes: its
 * loader puts the lists on the account page's locals, so that page's own routes stay unchanged.
 */
export function accountSessionsRoutes(deps: Deps): Router {
  const h = createAccountSessionsHandlers(deps);
  const router = Router();
  router.get("/account", h.loadForAccountPage);
  router.post("/account", h.loadForAccountPage);
  mountRoutes(router, [
    { method: "post", path: "/account/sessions/:id/end", access: "viewer", handler: h.endSession },
    { method: "post", path: "/admin/users/:id/sign-out-everywhere", access: "admin", handler: h.signOutEverywhere },
  ]);
  return router;
}
