import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createAuthHandlers } from "./auth.handlers.js";
import { forgotRateLimits } from "./forgot-rate-limit.middleware.js";

/** Sign-in, sign-out, first-run setup and the one-time password links. */
export function authRoutes(deps: Deps, onSetupDone: () => void): Router {
  const h = createAuthHandlers(deps, onSetupDone);
  const router = Router();
  // Before the form's handler: a refused request goes no further, and nothing is mailed.
  router.post("/password/forgot", ...forgotRateLimits(deps));
  mountRoutes(router, [
    { method: "get", path: "/login", access: "public", handler: h.showLogin },
    { method: "post", path: "/login", access: "public", handler: h.login },
    { method: "post", path: "/logout", access: "viewer", handler: h.logout },
    { method: "get", path: "/setup", access: "public", handler: h.showSetup },
    { method: "post", path: "/setup", access: "public", handler: h.setup },
    { method: "get", path: "/password/forgot", access: "public", handler: h.showForgot },
    { method: "post", path: "/password/forgot", access: "public", handler: h.forgot },
    { method: "get", path: "/password/set/:token", access: "public", handler: h.showSetPassword },
    { method: "post", path: "/password/set/:token", access: "public", handler: h.setPassword },
  ]);
  return router;
}
