import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createLedgerHandlers } from "./ledger.handlers.js";

/** The delivery ledger of an incident: search, CSV export, regulator summary, other channels. */
export function ledgerRoutes(deps: Deps): Router {
  const h = createLedgerHandlers(deps);
  const router = Router();
  const base = "/incidents/:ref/ledger";
  mountRoutes(router, [
    { method: "get", path: base, access: "viewer", handler: h.index },
    { method: "get", path: `${base}.csv`, access: "viewer", handler: h.exportCsv },
    { method: "get", path: `${base}/summary`, access: "viewer", handler: h.summary },
    { method: "get", path: `${base}/other-channels`, access: "viewer", handler: h.otherChannels },
    { method: "get", path: `${base}/letters.csv`, access: "viewer", handler: h.lettersCsv },
    { method: "post", path: `${base}/told`, access: "manager", handler: h.recordTold },
  ]);
  return router;
}
