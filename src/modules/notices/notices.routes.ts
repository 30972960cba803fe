import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createNoticePreviewHandlers } from "./notice-preview.handlers.js";
import { createNoticesHandlers } from "./notices.handlers.js";

/**
 * Notice templates of an incident: the list and a new template, a template's page (its versions
 * by language, its name and fallback language), a version, the editor and saving a version; the
 * preview of any person's notice (and its sandboxed HTML part), a test sent to oneself, and the
 * readiness check (content and render) of the latest versions. Viewers read; managers write.
 */
export function noticesRoutes(deps: Deps): Router {
  const h = createNoticesHandlers(deps);
  const p = createNoticePreviewHandlers(deps);
  const router = Router();
  const base = "/incidents/:ref/notices";
  const one = `${base}/:templateId`;
  mountRoutes(router, [
    { method: "get", path: base, access: "viewer", handler: h.list },
    { method: "post", path: base, access: "manager", handler: h.create },
    { method: "get", path: one, access: "viewer", handler: h.show },
    { method: "post", path: `${one}/settings`, access: "manager", handler: h.changeSettings },
    { method: "get", path: `${one}/edit`, access: "manager", handler: h.edit },
    { method: "post", path: `${one}/versions`, access: "manager", handler: h.save },
    { method: "get", path: `${one}/versions/:versionId`, access: "viewer", handler: h.showVersion },
    { method: "get", path: `${one}/preview`, access: "viewer", handler: p.preview },
    { method: "get", path: `${one}/preview/html`, access: "viewer", handler: p.previewHtml },
    { method: "post", path: `${one}/test`, access: "manager", handler: p.sendTest },
    { method: "get", path: `${one}/check`, access: "viewer", handler: p.check },
  ]);
  return router;
}
