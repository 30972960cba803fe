import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createApiTokensHandlers } from "./api-tokens.handlers.js";

/** The signed-in user's own API tokens: list, create (shown once), revoke. */
export function apiTokensRoutes(deps: Deps): Router {
  const h = createApiTokensHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "get", path: "/account/tokens", access: "viewer", handler: h.list },
    { method: "post", path: "/account/tokens", access: "viewer", handler: h.create },
    { method: "post", path: "/account/tokens/:id/revoke", access: "viewer", handler: h.revoke },
  ]);
  return router;
}
