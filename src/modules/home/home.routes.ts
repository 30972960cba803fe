import { type Request, type Response, Router } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { currentUser, mountRoutes } from "../../web/access.js";
import { openStatuses, statusLabels } from "../incidents/index.js";
import { checkDatabase, loadDashboard } from "./home.service.js";

/** The dashboard: open incidents by status, what needs attention first, recent activity. */
export function homeRoutes(deps: Deps): Router {
  const router = Router();
  mountRoutes(router, [
    {
      method: "get",
      path: "/",
      access: "viewer",
      handler: async (_req: Request, res: Response) => {
        const reader = currentUser(res);
        if (!reader) throw new AppError("unauthenticated", "Sign in to continue.");
        const { byStatus, overdueActions, recentActivity, recentIncidents, urgentObligations } = await loadDashboard(
          deps,
          reader,
        );
        const openCount = openStatuses.reduce((sum, s) => sum + (byStatus[s] ?? 0), 0);
        res.render("home/index", {
          title: "Dashboard",
          byStatus,
          openCount,
          openStatuses,
          statusLabels,
          overdueActions,
          recentActivity,
          recentIncidents,
          urgentObligations,
        });
      },
    },
  ]);
  return router;
}

const HEALTH_TIMEOUT_MS = 3000;

/**
 * GET /healthz, for load balancers and monitors: mounted before sessions and the setup gate,
 * so it needs no database work besides its own probe, which gives up after a few seconds.
 */
export function healthRoutes(deps: Deps): Router {
  const router = Router();
  mountRoutes(router, [
    {
      method: "get",
      path: "/healthz",
      access: "public",
      handler: async (_req: Request, res: Response) => {
        const database = { kind: deps.db.kind, status: await checkDatabase(deps, HEALTH_TIMEOUT_MS) };
        const isUp = database.status === "up";
        res.status(isUp ? 200 : 503).json({ status: isUp ? "ok" : "unavailable", database, mail: deps.mailer.kind });
      },
    },
  ]);
  return router;
}
