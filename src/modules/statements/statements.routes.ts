import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createStatementsHandlers } from "./statements.handlers.js";
import { SUBMIT_PATH } from "./statements-upload.middleware.js";

/**
 * An incident's regulator statements: draft one for a rule, read and edit it (each save a
 * version), mark a version submitted (its multipart body is read by statementsUploadBody, which
 * app.ts mounts before the CSRF check), and its exports. The list is the regulators page's
 * statements section.
 */
export function statementsRoutes(deps: Deps): Router {
  const h = createStatementsHandlers(deps);
  const router = Router();
  const one = "/incidents/:ref/statements/:id";
  mountRoutes(router, [
    { method: "post", path: "/incidents/:ref/statements", access: "manager", handler: h.create },
    // The exports first: /statements/:id would take "abc.pdf" as the id.
    { method: "get", path: `${one}.txt`, access: "viewer", handler: h.text },
    { method: "get", path: `${one}.json`, access: "viewer", handler: h.json },
    { method: "get", path: `${one}.pdf`, access: "viewer", handler: h.pdf },
    { method: "get", path: `${one}/print`, access: "viewer", handler: h.print },
    { method: "get", path: `${one}/versions/:version/acknowledgment`, access: "viewer", handler: h.ack },
    { method: "get", path: one, access: "viewer", handler: h.show },
    { method: "post", path: one, access: "manager", handler: h.save },
    { method: "post", path: SUBMIT_PATH, access: "manager", handler: h.submit },
  ]);
  return router;
}
