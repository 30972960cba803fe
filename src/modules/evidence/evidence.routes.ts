import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createEvidenceHandlers } from "./evidence.handlers.js";
import { EVIDENCE_UPLOAD_PATH } from "./evidence-upload.middleware.js";

/**
 * An incident's evidence files: add one (managers; the multipart body is read by
 * evidenceUploadBody, which app.ts mounts before the CSRF check), download one (anyone who may
 * read the incident), delete one's content with a reason (administrators, after a confirmation).
 * The list is the evidence page's section (evidence.section.ts).
 */
export function evidenceRoutes(deps: Deps): Router {
  const h = createEvidenceHandlers(deps);
  const router = Router();
  const one = `${EVIDENCE_UPLOAD_PATH}/:id`;
  mountRoutes(router, [
    { method: "get", path: `${EVIDENCE_UPLOAD_PATH}/new`, access: "manager", handler: h.newForm },
    { method: "post", path: EVIDENCE_UPLOAD_PATH, access: "manager", handler: h.upload },
    { method: "get", path: `${one}/download`, access: "viewer", handler: h.download },
    { method: "get", path: `${one}/delete`, access: "admin", handler: h.confirmDelete },
    { method: "post", path: `${one}/delete`, access: "admin", handler: h.remove },
  ]);
  return router;
}
