import type { Deps } from "../../deps.js";
import { findOverdueActions } from "../actions/index.js";
import { describeAuditEntries } from "../audit/index.js";
import { type IncidentReader, loadIncidentOverview } from "../incidents/index.js";
import { listUrgentObligations } from "../obligations/index.js";
import { pingDatabase } from "./home.repository.js";

/** What the dashboard shows: incidents by status, the newest open ones, what is overdue or due soon, recent activity in words. */
export async function loadDashboard(deps: Deps, reader: IncidentReader) {
  const now = deps.clock.now();
  const [incidents, overdueActions, urgentObligations] = await Promise.all([
    loadIncidentOverview(deps, reader),
    findOverdueActions(deps, reader, now, 10),
    listUrgentObligations(deps.db.prisma, reader, now, 10),
  ]);
  // Recent activity in words ("Ana applied EU-GDPR-33 to BD-2016-0001"), its codes in the audit log.
  const recentActivity = await describeAuditEntries(deps.db.prisma, incidents.recentActivity);
  return { ...incidents, recentActivity, overdueActions, urgentObligations };
}

/** Whether the database answers within timeoutMs; a failure is logged, not thrown. */
export async function checkDatabase(deps: Deps, timeoutMs: number): Promise<"up" | "down"> {
  try {
    await Promise.race([
      pingDatabase(deps.db.prisma),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer in time")), timeoutMs).unref()),
    ]);
    return "up";
  } catch (error) {
    deps.logger.warn({ err: error }, "health check: database unreachable");
    return "down";
  }
}
