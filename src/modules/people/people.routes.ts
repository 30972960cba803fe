import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createPeopleHandlers } from "./people.handlers.js";
import { createPeopleListHandlers } from "./people-list.handlers.js";
import { PEOPLE_UPLOAD_PATH } from "./people-upload.middleware.js";
import { createPersonHandlers } from "./person.handlers.js";

/**
 * Affected people: the incident's people page (counts, search and filters, imports), a
 * person's page and their deletion, the deletion of an import's people; and the imports:
 * upload (its multipart body is read by peopleUploadBody before the CSRF check), the mapping
 * and progress page, start, cancel, the error report and what became of the rejected rows. The import paths come first, so
 * "imports" is never taken for a person's id.
 */
export function peopleRoutes(deps: Deps): Router {
  const h = createPeopleHandlers(deps);
  const list = createPeopleListHandlers(deps);
  const person = createPersonHandlers(deps);
  const router = Router();
  const base = "/incidents/:ref/people/imports/:importId";
  mountRoutes(router, [
    { method: "post", path: PEOPLE_UPLOAD_PATH, access: "manager", handler: h.upload },
    { method: "get", path: base, access: "viewer", handler: h.show },
    { method: "post", path: `${base}/start`, access: "manager", handler: h.start },
    { method: "post", path: `${base}/cancel`, access: "manager", handler: h.cancel },
    { method: "get", path: `${base}/errors.csv`, access: "viewer", handler: h.errors },
    { method: "post", path: `${base}/rejected`, access: "manager", handler: h.resolveRejected },
    { method: "get", path: `${base}/delete`, access: "manager", handler: person.showImportDeletion },
    { method: "post", path: `${base}/delete`, access: "manager", handler: person.deleteImportPeople },
    { method: "get", path: "/incidents/:ref/people", access: "viewer", handler: list.list },
    { method: "get", path: "/incidents/:ref/people/:personId", access: "viewer", handler: person.show },
    { method: "get", path: "/incidents/:ref/people/:personId/delete", access: "manager", handler: person.confirmDelete },
    { method: "post", path: "/incidents/:ref/people/:personId/delete", access: "manager", handler: person.delete },
  ]);
  return router;
}
