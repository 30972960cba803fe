import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createAssessmentsHandlers } from "./assessments.handlers.js";

/** Recording risk assessments and decisions (both append-only). */
export function assessmentsRoutes(deps: Deps): Router {
  const h = createAssessmentsHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "post", path: "/incidents/:ref/assessments", access: "manager", handler: h.assess },
    { method: "post", path: "/incidents/:ref/decisions", access: "manager", handler: h.decide },
  ]);
  return router;
}
