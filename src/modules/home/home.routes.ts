import { type Request, type Response, Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { listOverdueActions } from "../actions/actions.repository.js";
import { openStatuses, statusLabels } from "../incidents/incident-lifecycle.js";
import { listRecentIncidentActivity } from "../incidents/incident-page.repository.js";
import { countIncidentsByStatus } from "../incidents/incidents.repository.js";
import { listUrgentObligations } from "../obligations/deadlines-view.service.js";

/** The dashboard: open incidents by status, what needs attention first, recent activity. */
export function homeRoutes(deps: Deps): Router {
  const router = Router();
  mountRoutes(router, [
    {
      method: "get",
      path: "/",
      access: "viewer",
      handler: async (_req: Request, res: Response) => {
        const now = deps.clock.now();
        const [byStatus, overdueActions, recentActivity, recentIncidents, urgentObligations] = await Promise.all([
          countIncidentsByStatus(deps.db.prisma),
          listOverdueActions(deps.db.prisma, now, 10),
          listRecentIncidentActivity(deps.db.prisma, 10),
          deps.db.prisma.incident.findMany({ where: { status: { in: openStatuses } }, orderBy: { updatedAt: "desc" }, take: 8 }),
          listUrgentObligations(deps.db.prisma, now, 10),
        ]);
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
        const database = { kind: deps.db.kind, status: "up" as "up" | "down" };
        try {
          await Promise.race([
            deps.db.prisma.$queryRawUnsafe("SELECT 1"),
            new Promise((_, reject) => setTimeout(() => reject(new Error("no answer in time")), HEALTH_TIMEOUT_MS).unref()),
          ]);
        } catch (error) {
          deps.logger.warn({ err: error }, "health check: database unreachable");
          database.status = "down";
        }
        const isUp = database.status === "up";
        res.status(isUp ? 200 : 503).json({ status: isUp ? "ok" : "unavailable", database, mail: deps.mailer.kind });
      },
    },
  ]);
  return router;
}
