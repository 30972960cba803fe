import type { DbOrTx } from "../../db/client.js";
import type { Prisma } from "../../generated/sqlite/client.js";

/** Active managers and administrators: who may own an incident or an action. */
export function listOwnerCandidates(db: DbOrTx) {
  return db.user.findMany({
    where: { status: "active", role: { in: ["manager", "admin"] } },
    orderBy: { name: "asc" },
    select: { id: true, name: true, email: true },
  });
}

/** The newest audit entries that concern an incident (its own and its records'). */
export function listIncidentAudit(db: DbOrTx, incidentId: string, take: number) {
  return db.auditEntry.findMany({ where: { incidentId }, orderBy: { seq: "desc" }, take });
}

/** The newest audit entries about any incident, with the incident's reference, for the dashboard. */
export async function listRecentIncidentActivity(db: DbOrTx, take: number, readable: Prisma.IncidentWhereInput = {}) {
  // The incidents the reader may not read (few: the restricted ones they are not on) are left out.
  const hidden = Object.keys(readable).length
    ? (await db.incident.findMany({ where: { NOT: readable }, select: { id: true } })).map((i) => i.id)
    : [];
  const entries = await db.auditEntry.findMany({
    where: { incidentId: hidden.length ? { not: null, notIn: hidden } : { not: null } },
    orderBy: { seq: "desc" },
    take,
  });
  const ids = [...new Set(entries.map((e) => e.incidentId as string))];
  const incidents = await db.incident.findMany({
    where: { id: { in: ids } },
    select: { id: true, reference: true, title: true },
  });
  const byId = new Map(incidents.map((i) => [i.id, i]));
  return entries.map((entry) => ({ ...entry, incident: byId.get(entry.incidentId as string) ?? null }));
}
