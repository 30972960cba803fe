import type { DbOrTx } from "../../db/client.js";
import type { Prisma, RemedialAction } from "../../generated/sqlite/client.js";
import { pendingStatuses } from "./action-status.policy.js";

export type { RemedialAction };

type ActionFields = Pick<
  RemedialAction,
  "title" | "ownerId" | "dueOn" | "dueAt" | "status" | "notes" | "completedAt" | "isPublic"
>;

const withOwner = { owner: { select: { id: true, name: true, email: true, status: true } } } as const;

/** The filter for overdue actions: due before now and still pending. */
export const overdueWhere = (now: Date) => ({ dueAt: { lt: now }, status: { in: [...pendingStatuses] } });

/** An incident's actions, each with its owner. */
export function listActionsOfIncident(db: DbOrTx, incidentId: string) {
  return db.remedialAction.findMany({ where: { incidentId }, include: withOwner });
}

/** An action of the given incident with its owner, or null (an action of another incident is not found). */
export function findAction(db: DbOrTx, incidentId: string, id: string) {
  return db.remedialAction.findFirst({ where: { id, incidentId }, include: withOwner });
}

/** Inserts one action, returning it with its owner. */
export function insertAction(db: DbOrTx, data: ActionFields & { id: string; incidentId: string }) {
  return db.remedialAction.create({ data, include: withOwner });
}

/** Changes an action's fields, returning it with its owner. */
export function updateAction(db: DbOrTx, id: string, data: ActionFields) {
  return db.remedialAction.update({ where: { id }, data, include: withOwner });
}

/**
 * How many overdue actions (due before now, still open or in progress) each incident has;
 * incidents without any are absent from the map.
 */
export async function countOverdueActionsByIncident(db: DbOrTx, now: Date): Promise<Map<string, number>> {
  const groups = await db.remedialAction.groupBy({ by: ["incidentId"], where: overdueWhere(now), _count: { _all: true } });
  return new Map(groups.map((g) => [g.incidentId, g._count._all]));
}

/** The overdue actions of every incident, longest overdue first, with their incident's reference and title. */
export function listOverdueActions(db: DbOrTx, now: Date, limit: number, readable: Prisma.IncidentWhereInput = {}) {
  return db.remedialAction.findMany({
    where: { ...overdueWhere(now), incident: readable },
    orderBy: [{ dueAt: "asc" }, { createdAt: "asc" }],
    take: limit,
    include: { ...withOwner, incident: { select: { id: true, reference: true, title: true, timeZone: true } } },
  });
}

/** The actions of several incidents (for the breach register), each incident's in the order they were added. */
export function listActionsOfIncidents(db: DbOrTx, incidentIds: string[]) {
  return db.remedialAction.findMany({
    where: { incidentId: { in: incidentIds } },
    orderBy: [{ createdAt: "asc" }, { title: "asc" }],
    select: { incidentId: true, title: true, status: true, dueOn: true, completedAt: true },
  });
}

/** The remedial actions of an incident ticked to show on its public report, in the order they were added. */
export function listPublicActions(db: DbOrTx, incidentId: string) {
  return db.remedialAction.findMany({
    where: { incidentId, isPublic: true },
    select: { title: true, status: true, completedAt: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}
