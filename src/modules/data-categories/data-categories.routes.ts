import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createDataCategoriesHandlers } from "./data-categories.handlers.js";

/** The catalogue of personal-data categories, and the categories each incident involves. */
export function dataCategoriesRoutes(deps: Deps): Router {
  const h = createDataCategoriesHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    // Everyone reads the catalogue (its harm notes and advice help write notices); admins extend it.
    { method: "get", path: "/admin/data-categories", access: "viewer", handler: h.list },
    { method: "post", path: "/admin/data-categories", access: "admin", handler: h.create },
    { method: "post", path: "/incidents/:ref/data", access: "manager", handler: h.add },
    { method: "get", path: "/incidents/:ref/data/:categoryId/edit", access: "manager", handler: h.showEdit },
    { method: "post", path: "/incidents/:ref/data/:categoryId", access: "manager", handler: h.update },
    { method: "post", path: "/incidents/:ref/data/:categoryId/remove", access: "manager", handler: h.remove },
  ]);
  return router;
}
