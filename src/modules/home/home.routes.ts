import { type Request, type Response, Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";

/** The start page. */
export function homeRoutes(deps: Deps): Router {
  const router = Router();
  mountRoutes(router, [
    {
      method: "get",
      path: "/",
      access: "viewer",
      handler: async (_req: Request, res: Response) => {
        const [userCount, recentAudit] = await Promise.all([
          deps.db.prisma.user.count({ where: { status: "active" } }),
          deps.db.prisma.auditEntry.findMany({ orderBy: { seq: "desc" }, take: 5 }),
        ]);
        res.render("home/index", { title: "Breachdesk", userCount, recentAudit });
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
