import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createDelayHandlers } from "./deadline-delay.handlers.js";
import { createObligationsHandlers } from "./obligations.handlers.js";

/**
 * Regulator deadlines: an incident's clock events, location and applied obligations (the list
 * is the incident page's deadlines section), and the cross-incident deadlines page.
 */
export function obligationsRoutes(deps: Deps): Router {
  const h = createObligationsHandlers(deps);
  const delays = createDelayHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "get", path: "/deadlines", access: "viewer", handler: h.list },
    { method: "post", path: "/incidents/:ref/clock-events", access: "manager", handler: h.recordEvent },
    { method: "post", path: "/incidents/:ref/location", access: "manager", handler: h.setLocation },
    { method: "post", path: "/incidents/:ref/obligations", access: "manager", handler: h.apply },
    { method: "get", path: "/incidents/:ref/obligations/:obligationId/status", access: "manager", handler: h.showStatus },
    { method: "post", path: "/incidents/:ref/obligations/:obligationId/status", access: "manager", handler: h.setStatus },
    { method: "get", path: "/incidents/:ref/obligations/:obligationId/reapply", access: "manager", handler: h.showReapply },
    { method: "post", path: "/incidents/:ref/obligations/:obligationId/reapply", access: "manager", handler: h.reapply },
    { method: "get", path: "/incidents/:ref/obligations/:obligationId/delays", access: "manager", handler: delays.show },
    { method: "post", path: "/incidents/:ref/obligations/:obligationId/delays", access: "manager", handler: delays.record },
  ]);
  return router;
}
