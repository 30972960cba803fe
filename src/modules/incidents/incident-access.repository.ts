import type { DbOrTx } from "../../db/client.js";
import type { Prisma } from "../../generated/sqlite/client.js";

const memberUser = { select: { id: true, name: true, email: true, role: true, status: true } } as const;

/** The user's membership of the incident, or null. */
export function findMembership(db: DbOrTx, incidentId: string, userId: string) {
  return db.incidentMember.findUnique({ where: { incidentId_userId: { incidentId, userId } } });
}

/** The incident's members with who they are, leads first, then by name. */
export async function listMembersOf(db: DbOrTx, incidentId: string) {
  const rows = await db.incidentMember.findMany({ where: { incidentId }, include: { user: memberUser } });
  const order = { lead: 0, manager: 1, viewer: 2 } as Record<string, number>;
  return rows.sort((a, b) => (order[a.role] ?? 9) - (order[b.role] ?? 9) || a.user.name.localeCompare(b.user.name));
}

/** Adds the member, or changes the role of one already there. */
export function upsertMember(
  db: DbOrTx,
  data: { incidentId: string; userId: string; role: string; addedById: string | null; addedAt: Date },
) {
  return db.incidentMember.upsert({
    where: { incidentId_userId: { incidentId: data.incidentId, userId: data.userId } },
    create: data,
    update: { role: data.role },
  });
}

/** Removes the member; how many rows went (0 or 1). */
export async function deleteMember(db: DbOrTx, incidentId: string, userId: string): Promise<number> {
  const { count } = await db.incidentMember.deleteMany({ where: { incidentId, userId } });
  return count;
}

/** Sets the incident's access level. */
export function updateIncidentAccess(db: DbOrTx, incidentId: string, access: string) {
  return db.incident.update({ where: { id: incidentId }, data: { access } });
}

/** The active users that could join an incident's team: everyone active, by name. */
export function listActiveUsers(db: DbOrTx) {
  return db.user.findMany({
    where: { status: "active" },
    select: { id: true, name: true, email: true, role: true },
    orderBy: { name: "asc" },
  });
}

/** The ids of the incidents matching the filter. */
export async function listIncidentIdsWhere(db: DbOrTx, where: Prisma.IncidentWhereInput): Promise<string[]> {
  return (await db.incident.findMany({ where, select: { id: true } })).map((i) => i.id);
}
