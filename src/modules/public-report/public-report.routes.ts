import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createPublicReportHandlers } from "./public-report.handlers.js";
import { createPublicPageHandlers } from "./public-report-public.handlers.js";

/** The public report's editor in the incident workspace: managers write and publish, viewers read. */
export function publicReportRoutes(deps: Deps): Router {
  const h = createPublicReportHandlers(deps);
  const router = Router();
  const editor = "/incidents/:ref/public-report";
  mountRoutes(router, [
    { method: "get", path: editor, access: "viewer", handler: h.show },
    { method: "post", path: editor, access: "manager", handler: h.save },
    { method: "post", path: `${editor}/publish`, access: "manager", handler: h.publish },
    { method: "post", path: `${editor}/unpublish`, access: "manager", handler: h.unpublish },
  ]);
  return router;
}

/**
 * The pages anyone reads without signing in: the report, an earlier version, the Atom feed, each
 * sent with a strict CSP (public-report-public.handlers.ts). app.ts mounts them before the session
 * layer, so a reader gets no cookie and leaves no session row behind.
 */
export function publicReportPageRoutes(deps: Deps): Router {
  const p = createPublicPageHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "get", path: "/public/:slug", access: "public", handler: p.page },
    { method: "get", path: "/public/:slug/versions/:version", access: "public", handler: p.version },
    { method: "get", path: "/public/:slug/feed.atom", access: "public", handler: p.feed },
  ]);
  return router;
}
