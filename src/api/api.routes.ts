import express, { type RequestHandler, Router } from "express";
import type { Deps } from "../deps.js";
import type { Role } from "../modules/users/index.js";
import { bearerAuth, requireRole } from "./api-auth.js";
import { createApiCampaignHandlers } from "./api-campaigns.handlers.js";
import { apiErrorHandler, apiNotFound, ensureRequestId, requireJsonObject } from "./api-errors.js";
import { createApiEventHandlers } from "./api-events.handlers.js";
import { createApiIncidentHandlers } from "./api-incidents.handlers.js";
import { createApiPeopleHandlers } from "./api-people.handlers.js";
import { createApiPeopleImportHandlers, type PeopleImportApiOptions } from "./api-people-imports.handlers.js";
import { requireCsvBody } from "./api-upload.js";

/** One API endpoint: its path under /api/v1 and the least role its token's owner needs. */
export interface ApiEndpoint {
  method: "get" | "post" | "delete";
  path: string;
  role: Role;
  /**
   * What a POST's body is: a JSON object (the default), a CSV file streamed to disk by the
   * handler, or nothing (an action such as approve: any body is ignored).
   */
  body?: "json" | "csv" | "none";
  handler: RequestHandler;
}

/**
 * The JSON API, version 1, to be mounted at /api/v1 before the session and CSRF middleware:
 * bearer tokens only, its own body parser, role checks per endpoint (GET: viewer, POST and
 * DELETE: manager) and one JSON error format for everything under it, unknown paths included.
 */
export function apiRouter(deps: Deps, options: PeopleImportApiOptions = {}): Router {
  const incidents = createApiIncidentHandlers(deps);
  const events = createApiEventHandlers(deps);
  const people = createApiPeopleHandlers(deps);
  const imports = createApiPeopleImportHandlers(deps, options);
  const campaigns = createApiCampaignHandlers(deps);
  const personImport = "/incidents/:ref/people/imports/:importId";
  const campaign = "/incidents/:ref/campaigns/:campaignId";
  const endpoints: ApiEndpoint[] = [
    { method: "post", path: "/incidents", role: "manager", handler: incidents.create },
    { method: "get", path: "/incidents", role: "viewer", handler: incidents.list },
    { method: "get", path: "/incidents/:ref", role: "viewer", handler: incidents.show },
    { method: "post", path: "/incidents/:ref/events", role: "manager", handler: events.create },
    { method: "get", path: "/incidents/:ref/events", role: "viewer", handler: events.list },
    { method: "get", path: "/incidents/:ref/audit", role: "viewer", handler: incidents.audit },
    // The import paths and /summary come before /people/:personId, so neither is taken for a person's id.
    { method: "post", path: "/incidents/:ref/people/imports", role: "manager", body: "csv", handler: imports.upload },
    { method: "get", path: "/incidents/:ref/people/imports", role: "viewer", handler: imports.list },
    { method: "get", path: personImport, role: "viewer", handler: imports.show },
    { method: "post", path: `${personImport}/start`, role: "manager", handler: imports.start },
    { method: "get", path: `${personImport}/errors.csv`, role: "viewer", handler: imports.errors },
    { method: "get", path: "/incidents/:ref/people", role: "viewer", handler: people.list },
    { method: "get", path: "/incidents/:ref/people/summary", role: "viewer", handler: people.summary },
    { method: "get", path: "/incidents/:ref/people/:personId", role: "viewer", handler: people.show },
    { method: "delete", path: "/incidents/:ref/people/:personId", role: "manager", handler: people.remove },
    { method: "post", path: "/incidents/:ref/campaigns", role: "manager", handler: campaigns.create },
    { method: "get", path: "/incidents/:ref/campaigns", role: "viewer", handler: campaigns.list },
    { method: "get", path: campaign, role: "viewer", handler: campaigns.show },
    { method: "post", path: `${campaign}/approve`, role: "manager", body: "none", handler: campaigns.approve },
    { method: "post", path: `${campaign}/start`, role: "manager", handler: campaigns.start },
    { method: "post", path: `${campaign}/pause`, role: "manager", handler: campaigns.pause },
    { method: "post", path: `${campaign}/resume`, role: "manager", body: "none", handler: campaigns.resume },
    { method: "post", path: `${campaign}/cancel`, role: "manager", body: "none", handler: campaigns.cancel },
    { method: "post", path: `${campaign}/retry-failed`, role: "manager", body: "none", handler: campaigns.retryFailed },
    { method: "get", path: `${campaign}/deliveries`, role: "viewer", handler: campaigns.deliveries },
  ];

  const router = Router();
  router.use(ensureRequestId);
  // Authenticate before reading the body: an unauthenticated client learns nothing, not even that its JSON is malformed.
  router.use(bearerAuth(deps));
  router.use(express.json({ limit: "1mb", type: ["application/json", "application/*+json"] }));
  for (const endpoint of endpoints) {
    const bodyGuard =
      endpoint.method !== "post" || endpoint.body === "none"
        ? []
        : endpoint.body === "csv"
          ? [requireCsvBody]
          : [requireJsonObject];
    const guards = [requireRole(endpoint.role), ...bodyGuard];
    router[endpoint.method](endpoint.path, ...guards, endpoint.handler);
  }
  router.use(apiNotFound);
  router.use(apiErrorHandler(deps.logger));
  return router;
}
