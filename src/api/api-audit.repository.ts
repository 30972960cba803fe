import type { DbOrTx } from "../db/client.js";

/**
 * One page of the audit entries that concern an incident, oldest first, and how many there
 * are: the entries recordAudit filed under the incident (its own changes and those of its
 * timeline, systems, data, actions, assessments and decisions).
 */
export async function listIncidentAuditEntries(db: DbOrTx, incidentId: string, page: { take: number; skip: number }) {
  const where = { incidentId };
  const [entries, total] = await Promise.all([
    db.auditEntry.findMany({ where, orderBy: { seq: "asc" }, ...page }),
    db.auditEntry.count({ where }),
  ]);
  return { entries, total };
}
