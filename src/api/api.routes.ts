import express, { type RequestHandler, Router } from "express";
import type { Deps } from "../deps.js";
import type { Role } from "../modules/users/users.schemas.js";
import { bearerAuth, requireRole } from "./api-auth.js";
import { apiErrorHandler, apiNotFound, ensureRequestId, requireJsonObject } from "./api-errors.js";
import { createApiEventHandlers } from "./api-events.handlers.js";
import { createApiIncidentHandlers } from "./api-incidents.handlers.js";

/** One API endpoint: its path under /api/v1 and the least role its token's owner needs. */
export interface ApiEndpoint {
  method: "get" | "post";
  path: string;
  role: Role;
  handler: RequestHandler;
}

/**
 * The JSON API, version 1, to be mounted at /api/v1 before the session and CSRF middleware:
 * bearer tokens only, its own body parser, role checks per endpoint (GET: viewer, POST:
 * manager) and one JSON error format for everything under it, unknown paths included.
 */
export function apiRouter(deps: Deps): Router {
  const incidents = createApiIncidentHandlers(deps);
  const events = createApiEventHandlers(deps);
  const endpoints: ApiEndpoint[] = [
    { method: "post", path: "/incidents", role: "manager", handler: incidents.create },
    { method: "get", path: "/incidents", role: "viewer", handler: incidents.list },
    { method: "get", path: "/incidents/:ref", role: "viewer", handler: incidents.show },
    { method: "post", path: "/incidents/:ref/events", role: "manager", handler: events.create },
    { method: "get", path: "/incidents/:ref/events", role: "viewer", handler: events.list },
    { method: "get", path: "/incidents/:ref/audit", role: "viewer", handler: incidents.audit },
  ];

  const router = Router();
  router.use(ensureRequestId);
  // Authenticate before reading the body: an unauthenticated client learns nothing, not even that its JSON is malformed.
  router.use(bearerAuth(deps));
  router.use(express.json({ limit: "1mb", type: ["application/json", "application/*+json"] }));
  for (const endpoint of endpoints) {
    const guards = [requireRole(endpoint.role), ...(endpoint.method === "post" ? [requireJsonObject] : [])];
    router[endpoint.method](endpoint.path, ...guards, endpoint.handler);
  }
  router.use(apiNotFound);
  router.use(apiErrorHandler(deps.logger));
  return router;
}
