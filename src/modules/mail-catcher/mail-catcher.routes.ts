import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createMailCatcherHandlers } from "./mail-catcher.handlers.js";

/**
 * The built-in mail catcher's pages: managers and admins read what Breachdesk sent, except the
 * messages carrying a secret, which mail-catcher.service shows only to whom it may.
 */
export function mailCatcherRoutes(deps: Deps): Router {
  const h = createMailCatcherHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "get", path: "/mail", access: "manager", handler: h.list },
    { method: "get", path: "/mail/:id", access: "manager", handler: h.show },
    { method: "get", path: "/mail/:id/html", access: "manager", handler: h.html },
  ]);
  return router;
}
