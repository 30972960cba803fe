import express, { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createBouncesHandlers } from "./bounces.handlers.js";
import { DSN_UPLOAD_PATH } from "./dsn-upload.middleware.js";

/**
 * The bounce webhook: authenticated by its shared secret, not a session, so it is mounted
 * before the session and CSRF middleware, with its own JSON body parser (1 MB).
 */
export function bounceHookRoutes(deps: Deps): Router {
  const h = createBouncesHandlers(deps);
  const router = Router();
  router.post("/hooks/bounces", express.json({ limit: "1mb" }), h.webhook);
  return router;
}

/**
 * The bounce reports page, the upload of a bounce message (.eml), the review of unmatched
 * reports, and the lifting of an address's suppression in an incident.
 */
export function bouncesRoutes(deps: Deps): Router {
  const h = createBouncesHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "get", path: "/bounces", access: "viewer", handler: h.index },
    { method: "post", path: DSN_UPLOAD_PATH, access: "manager", handler: h.uploadDsn },
    { method: "post", path: "/bounces/reports/:id/review", access: "manager", handler: h.review },
    { method: "get", path: "/incidents/:ref/suppressions/:deliveryId", access: "manager", handler: h.confirmLift },
    { method: "post", path: "/incidents/:ref/suppressions/:deliveryId/lift", access: "manager", handler: h.lift },
  ]);
  return router;
}
