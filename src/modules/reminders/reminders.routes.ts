import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createRemindersHandlers } from "./reminders.handlers.js";

/** The signed-in user's reminder settings and calendar feed address (create, rotate, revoke). */
export function remindersRoutes(deps: Deps): Router {
  const h = createRemindersHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "get", path: "/account/reminders", access: "viewer", handler: h.show },
    { method: "post", path: "/account/reminders", access: "viewer", handler: h.save },
    { method: "post", path: "/account/calendar", access: "viewer", handler: h.createCalendar },
    { method: "post", path: "/account/calendar/revoke", access: "viewer", handler: h.revokeCalendar },
  ]);
  return router;
}

/**
 * The calendar feed, GET /calendar/<secret>.ics: public, since calendar clients send no
 * cookie; the secret in the path authenticates. Mount it before the session middleware.
 */
export function calendarFeedRoutes(deps: Deps): Router {
  const h = createRemindersHandlers(deps);
  const router = Router();
  mountRoutes(router, [{ method: "get", path: "/calendar/:file", access: "public", handler: h.feed }]);
  return router;
}
