import { type Request, type Response, Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";

/** The start page and the health check. */
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
    {
      method: "get",
      path: "/healthz",
      access: "public",
      handler: async (_req: Request, res: Response) => {
        const database = { kind: deps.db.kind, status: "up" as "up" | "down" };
        try {
          await deps.db.prisma.$queryRawUnsafe("SELECT 1");
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
