import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createPeopleHandlers } from "./people.handlers.js";
import { PEOPLE_UPLOAD_PATH } from "./people-upload.js";

/**
 * Imports of affected people: upload (its multipart body is read by peopleUploadBody before
 * the CSRF check), the mapping and progress page, start, cancel and the error report.
 */
export function peopleRoutes(deps: Deps): Router {
  const h = createPeopleHandlers(deps);
  const router = Router();
  const base = "/incidents/:ref/people/imports/:importId";
  mountRoutes(router, [
    { method: "post", path: PEOPLE_UPLOAD_PATH, access: "manager", handler: h.upload },
    { method: "get", path: base, access: "viewer", handler: h.show },
    { method: "post", path: `${base}/start`, access: "manager", handler: h.start },
    { method: "post", path: `${base}/cancel`, access: "manager", handler: h.cancel },
    { method: "get", path: `${base}/errors.csv`, access: "viewer", handler: h.errors },
  ]);
  return router;
}
