import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createTwoFactorHandlers } from "./two-factor.handlers.js";

/** The second factor: the sign-in's code step, the user's own setup, and the administrators' reset. */
export function twoFactorRoutes(deps: Deps): Router {
  const h = createTwoFactorHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "get", path: "/login/code", access: "public", handler: h.showCode },
    { method: "post", path: "/login/code", access: "public", handler: h.checkCode },
    { method: "get", path: "/account/two-factor/setup", access: "viewer", handler: h.showSetup },
    { method: "post", path: "/account/two-factor/setup", access: "viewer", handler: h.confirmSetup },
    { method: "post", path: "/account/two-factor/off", access: "viewer", handler: h.switchOff },
    { method: "post", path: "/account/two-factor/recovery-codes", access: "viewer", handler: h.newRecoveryCodes },
    { method: "post", path: "/admin/users/:id/two-factor/reset", access: "admin", handler: h.reset },
  ]);
  return router;
}
