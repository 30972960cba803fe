import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createCampaignsHandlers } from "./campaigns.handlers.js";

/**
 * An incident's campaigns: the list, a new one, a campaign's page (progress, actions); approve,
 * start or schedule (after a confirmation page that runs the notice's checks), back to draft,
 * pause, resume, cancel (after a confirmation page) and retry the failed ones. Its recipients
 * are on the incident's ledger (modules/ledger); `deliveries`, their old address, redirects
 * there. Viewers read; managers act. "new" comes before ":campaignId".
 */
export function campaignsRoutes(deps: Deps): Router {
  const h = createCampaignsHandlers(deps);
  const router = Router();
  const base = "/incidents/:ref/campaigns";
  const one = `${base}/:campaignId`;
  mountRoutes(router, [
    { method: "get", path: base, access: "viewer", handler: h.list },
    { method: "get", path: `${base}/new`, access: "manager", handler: h.showNew },
    { method: "post", path: base, access: "manager", handler: h.create },
    { method: "get", path: one, access: "viewer", handler: h.show },
    { method: "get", path: `${one}/deliveries`, access: "viewer", handler: h.redirectToLedger },
    { method: "post", path: `${one}/approve`, access: "manager", handler: h.approve },
    { method: "get", path: `${one}/start`, access: "manager", handler: h.showStart },
    { method: "post", path: `${one}/start`, access: "manager", handler: h.start },
    { method: "post", path: `${one}/unschedule`, access: "manager", handler: h.unschedule },
    { method: "post", path: `${one}/pause`, access: "manager", handler: h.pause },
    { method: "post", path: `${one}/resume`, access: "manager", handler: h.resume },
    { method: "get", path: `${one}/cancel`, access: "manager", handler: h.showCancel },
    { method: "post", path: `${one}/cancel`, access: "manager", handler: h.cancel },
    { method: "post", path: `${one}/retry-failed`, access: "manager", handler: h.retryFailed },
  ]);
  return router;
}
