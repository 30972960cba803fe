import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createProposalHandlers } from "./incident-proposal.handlers.js";

/** The answer to the status an incident's work proposes (accept, or keep the current status). */
export function incidentProposalRoutes(deps: Deps): Router {
  const h = createProposalHandlers(deps);
  const router = Router();
  mountRoutes(router, [{ method: "post", path: "/incidents/:ref/status-proposal", access: "manager", handler: h.answer }]);
  return router;
}
