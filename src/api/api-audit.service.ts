import type { Deps } from "../deps.js";
import { listIncidentAuditEntries } from "./api-audit.repository.js";

/** One page of an incident's audit trail for GET /api/v1/incidents/:ref/audit, oldest first, and how many entries it has. */
export function loadIncidentAuditPage(deps: Deps, incidentId: string, page: { take: number; skip: number }) {
  return listIncidentAuditEntries(deps.db.prisma, incidentId, page);
}
