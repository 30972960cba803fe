import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createAuditHandlers } from "./audit.handlers.js";

/** The administrators' view of the audit log and its chain check. */
export function auditRoutes(deps: Deps): Router {
  const h = createAuditHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "get", path: "/admin/audit", access: "admin", handler: h.list },
    { method: "get", path: "/admin/audit/verify", access: "admin", handler: h.verify },
  ]);
  return router;
}
