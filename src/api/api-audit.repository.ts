import type { DbOrTx } from "../db/client.js";

/**
 * Which audit entries concern an incident: those filed under it (incidentId, which
 * recordAudit derives for the incident and for records whose audited state names their
 * incidentId), and, by entity id, its timeline events and imports, whose entries do not carry
 * an incidentId yet. Events that came from an import or a status change have no entry of
 * their own (the import or the transition has one), so only the others are looked up.
 */
async function incidentAuditWhere(db: DbOrTx, incidentId: string) {
  const [events, imports] = await Promise.all([
    db.timelineEvent.findMany({ where: { incidentId, source: { in: ["manual", "api"] } }, select: { id: true } }),
    db.timelineImport.findMany({ where: { incidentId }, select: { id: true } }),
  ]);
  return {
    OR: [
      { incidentId },
      { entityType: "timeline_event", entityId: { in: events.map((e) => e.id) } },
      { entityType: "timeline_import", entityId: { in: imports.map((i) => i.id) } },
    ],
  };
}

/** One page of the audit entries that concern an incident, oldest first, and how many there are. */
export async function listIncidentAuditEntries(db: DbOrTx, incidentId: string, page: { take: number; skip: number }) {
  const where = await incidentAuditWhere(db, incidentId);
  const [entries, total] = await Promise.all([
    db.auditEntry.findMany({ where, orderBy: { seq: "asc" }, ...page }),
    db.auditEntry.count({ where }),
  ]);
  return { entries, total };
}
