import { Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createLedgerHandlers } from "./ledger.handlers.js";
import { createLedgerToldHandlers } from "./ledger-told.handlers.js";
import { LETTERS_UPLOAD_PATH } from "./ledger-upload.middleware.js";

/**
 * The delivery ledger of an incident: search, CSV export, regulator summary; and the people to
 * tell another way: the list, recording them (ticked, or everyone a filter matches), the letters
 * export and a file of letters sent (its multipart body is read by lettersUploadBody, which
 * app.ts mounts before the CSRF check).
 */
export function ledgerRoutes(deps: Deps): Router {
  const h = createLedgerHandlers(deps);
  const told = createLedgerToldHandlers(deps);
  const router = Router();
  const base = "/incidents/:ref/ledger";
  mountRoutes(router, [
    { method: "get", path: base, access: "viewer", handler: h.index },
    { method: "get", path: `${base}.csv`, access: "viewer", handler: h.exportCsv },
    { method: "get", path: `${base}/summary`, access: "viewer", handler: h.summary },
    { method: "get", path: `${base}/other-channels`, access: "viewer", handler: told.list },
    { method: "get", path: `${base}/letters.csv`, access: "viewer", handler: told.lettersCsv },
    { method: "post", path: `${base}/told`, access: "manager", handler: told.record },
    { method: "post", path: LETTERS_UPLOAD_PATH, access: "manager", handler: told.upload },
  ]);
  return router;
}
