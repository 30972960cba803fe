import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createRetentionHandlers } from "./retention.handlers.js";

/**
 * An incident's retention: the rule and the legal hold (managers), the purge after its
 * confirmation (managers), and "was this address notified?" (anyone who may read the incident;
 * a POST, so the address is never in a URL or a log). The section is retention.section.ts.
 */
export function retentionRoutes(deps: Deps): Router {
  const h = createRetentionHandlers(deps);
  const router = Router();
  const base = "/incidents/:ref/retention";
  mountRoutes(router, [
    { method: "post", path: base, access: "manager", handler: h.saveRule },
    { method: "post", path: `${base}/hold`, access: "manager", handler: h.saveHold },
    { method: "get", path: `${base}/purge`, access: "manager", handler: h.confirmPurge },
    { method: "post", path: `${base}/purge`, access: "manager", handler: h.purge },
    { method: "post", path: `${base}/lookup`, access: "viewer", handler: h.lookup },
  ]);
  return router;
}
