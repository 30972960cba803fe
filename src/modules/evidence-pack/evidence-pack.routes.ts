import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createEvidencePackHandlers } from "./evidence-pack.handlers.js";

/**
 * The evidence pack on the site: built and downloaded from the incident's evidence page by
 * anyone who may read the incident (audited, personal data only when ticked), and the public
 * key that signs packs, shown to administrators beside the audit chain's verification.
 */
export function evidencePackRoutes(deps: Deps): Router {
  const h = createEvidencePackHandlers(deps);
  const router = Router();
  mountRoutes(router, [
    { method: "post", path: "/incidents/:ref/evidence-pack", access: "viewer", handler: h.build },
    { method: "get", path: "/admin/evidence-pack-key", access: "admin", handler: h.signingKey },
  ]);
  return router;
}
