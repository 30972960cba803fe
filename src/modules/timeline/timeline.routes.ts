import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createTimelineHandlers } from "./timeline.handlers.js";
import { TIMELINE_UPLOAD_PATH } from "./timeline-upload.middleware.js";

/**
 * The incident timeline: viewers read it (and the import pages, without their forms), managers
 * add events, record corrections (each entry's form on a page of its own) and import CSV files. There is no route that edits or deletes an event. The upload's multipart body is
 * read by timelineUploadBody(), which app.ts mounts before the CSRF check.
 */
export function timelineRoutes(deps: Deps): Router {
  const h = createTimelineHandlers(deps);
  const router = Router();
  // The import paths come before /events/:eventId/... so that "import" is never taken for an event id.
  mountRoutes(router, [
    { method: "get", path: TIMELINE_UPLOAD_PATH, access: "viewer", handler: h.showImport },
    { method: "post", path: TIMELINE_UPLOAD_PATH, access: "manager", handler: h.upload },
    { method: "get", path: "/incidents/:ref/events/import/:importId", access: "viewer", handler: h.preview },
    { method: "get", path: "/incidents/:ref/events/import/:importId/errors.csv", access: "viewer", handler: h.errorReport },
    { method: "post", path: "/incidents/:ref/events/import/:importId", access: "manager", handler: h.confirmImport },
    { method: "get", path: "/incidents/:ref/events", access: "viewer", handler: h.show },
    { method: "post", path: "/incidents/:ref/events", access: "manager", handler: h.add },
    { method: "get", path: "/incidents/:ref/events/:eventId/corrections", access: "manager", handler: h.showCorrect },
    { method: "post", path: "/incidents/:ref/events/:eventId/corrections", access: "manager", handler: h.correct },
  ]);
  return router;
}
