import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createUsersHandlers } from "./users.handlers.js";
import type { CredentialsReview } from "./users.types.js";

/** The administrators' user management pages; `review` is the account module's credential review. */
export function usersRoutes(deps: Deps, review: CredentialsReview): Router {
  const h = createUsersHandlers(deps, review);
  const router = Router();
  mountRoutes(router, [
    { method: "get", path: "/admin/users", access: "admin", handler: h.list },
    { method: "get", path: "/admin/users/new", access: "admin", handler: h.showNew },
    { method: "post", path: "/admin/users", access: "admin", handler: h.create },
    { method: "get", path: "/admin/users/:id", access: "admin", handler: h.show },
    { method: "post", path: "/admin/users/:id/role", access: "admin", handler: h.changeRole },
    { method: "post", path: "/admin/users/:id/deactivate", access: "admin", handler: h.deactivate },
    { method: "post", path: "/admin/users/:id/reactivate", access: "admin", handler: h.reactivate },
    { method: "post", path: "/admin/users/:id/invite", access: "admin", handler: h.reinvite },
    { method: "post", path: "/admin/users/:id/credentials/revoke", access: "admin", handler: h.revokeCredentials },
  ]);
  return router;
}
