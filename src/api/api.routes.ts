import express, { type RequestHandler, Router } from "express";
import type { Deps } from "../deps.js";
import { incidentApiGate } from "../modules/incidents/index.js";
import { isIncidentPath, passedIncidentGate } from "../web/access.js";
import { bearerAuth, requireRole } from "./api-auth.js";
import { apiEndpoints } from "./api-endpoints.js";
import { apiErrorHandler, apiNotFound, ensureRequestId, requireJsonObject } from "./api-errors.js";
import { requireMultipartBody } from "./api-evidence.handlers.js";
import { buildOpenApiDocument, OPENAPI_PATH } from "./api-openapi.js";
import type { PeopleImportApiOptions } from "./api-people-imports.handlers.js";
import { requireCsvBody } from "./api-upload.js";

export type { ApiEndpoint } from "./api-endpoints.js";

/**
 * The JSON API, version 1, to be mounted at /api/v1 before the session and CSRF middleware:
 * its OpenAPI document open to anyone, everything else by bearer token only, its own body
 * parser, role checks per endpoint (GET: viewer, POST and DELETE: manager) and one JSON error
 * format for everything under it, unknown paths included. Endpoints come from one table
 * (api-endpoints.ts), which the document describes.
 */
export function apiRouter(deps: Deps, options: PeopleImportApiOptions = {}): Router {
  const endpoints = apiEndpoints(deps, options);
  const document = buildOpenApiDocument(endpoints);

  const router = Router();
  router.use(ensureRequestId);
  router.get(OPENAPI_PATH, (_req, res) => {
    res.json(document);
  });
  // Endpoints open to anyone (is this notice genuine?): before the token check, with a small body parser of their own.
  for (const endpoint of endpoints.filter((e) => e.isPublic)) {
    const body = endpoint.method === "post" ? [express.json({ limit: "4kb" }), requireJsonObject] : [];
    router[endpoint.method](endpoint.path, ...body, endpoint.handler);
  }
  // Authenticate before reading the body: an unauthenticated client learns nothing, not even that its JSON is malformed.
  router.use(bearerAuth(deps));
  // Need-to-know (decision 0030): the token's owner reads the incident or gets 404, before the body is read.
  router.use("/incidents/:ref", incidentApiGate(deps));
  router.use(express.json({ limit: "1mb", type: ["application/json", "application/*+json"] }));
  for (const endpoint of endpoints.filter((e) => !e.isPublic)) {
    const bodyGuard =
      endpoint.method !== "post" || endpoint.body === "none"
        ? []
        : endpoint.body === "csv"
          ? [requireCsvBody]
          : endpoint.body === "multipart"
            ? [requireMultipartBody]
            : [requireJsonObject];
    const gate: RequestHandler[] = isIncidentPath(endpoint.path)
      ? [(req, res, next) => passedIncidentGate(req, res, next) && next()]
      : [];
    const guards = [...gate, requireRole(endpoint.role), ...bodyGuard];
    router[endpoint.method](endpoint.path, ...guards, endpoint.handler);
  }
  router.use(apiNotFound);
  router.use(apiErrorHandler(deps.logger));
  return router;
}
