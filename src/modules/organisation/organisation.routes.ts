import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createOrganisationHandlers } from "./organisation.handlers.js";

/**
 * The organisation's profile (who the notices come from: managers read it, administrators set
 * it) and an incident's own sender and contact point over it (viewers read, managers set).
 */
export function organisationRoutes(deps: Deps): Router {
  const h = createOrganisationHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "get", path: "/admin/organisation", access: "manager", handler: h.showProfile },
    { method: "post", path: "/admin/organisation", access: "admin", handler: h.saveProfile },
    { method: "post", path: "/admin/organisation/applicability", access: "admin", handler: h.saveApplicability },
    { method: "get", path: "/incidents/:ref/organisation", access: "viewer", handler: h.showIncident },
    { method: "post", path: "/incidents/:ref/organisation", access: "manager", handler: h.saveIncident },
  ]);
  return router;
}
