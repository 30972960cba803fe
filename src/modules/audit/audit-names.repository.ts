import type { DbOrTx } from "../../db/client.js";

// Reads for saying audit entries in words: the names an entry refers to by id (a user's name,
// an incident's reference) and an incident's entries a page at a time. Read-only; the entries
// keep the ids, never the names.

/** Users' names by id, for the ids given (unknown ids are left out). */
export async function findUserNames(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return new Map(users.map((u) => [u.id, u.name]));
}

/** Incidents' references by id, for the ids given (unknown ids are left out). */
export async function findIncidentReferences(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const incidents = await db.incident.findMany({ where: { id: { in: ids } }, select: { id: true, reference: true } });
  return new Map(incidents.map((i) => [i.id, i.reference]));
}

/** One page of the entries that concern an incident, newest first (index incident_id, seq), and their number. */
export async function listIncidentAuditPage(db: DbOrTx, incidentId: string, page: { take: number; skip: number }) {
  const [entries, total] = await Promise.all([
    db.auditEntry.findMany({ where: { incidentId }, orderBy: { seq: "desc" }, take: page.take, skip: page.skip }),
    db.auditEntry.count({ where: { incidentId } }),
  ]);
  return { entries, total };
}
