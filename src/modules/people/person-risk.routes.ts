import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createPersonRiskHandlers } from "./person-risk.handlers.js";

/**
 * Who is at risk: the incident's risk rule in words with its counts (viewers read it), applying
 * it again, and a manager's choice for an import's people or for one person.
 */
export function personRiskRoutes(deps: Deps): Router {
  const h = createPersonRiskHandlers(deps);
  const router = Router();
  const base = "/incidents/:ref/risk";
  mountRoutes(router, [
    { method: "get", path: base, access: "viewer", handler: h.show },
    { method: "post", path: `${base}/apply`, access: "manager", handler: h.reapply },
    { method: "post", path: `${base}/imports/:importId`, access: "manager", handler: h.setImport },
    { method: "get", path: `${base}/people/:personId`, access: "viewer", handler: h.showPerson },
    { method: "post", path: `${base}/people/:personId`, access: "manager", handler: h.setPerson },
  ]);
  return router;
}
