import type { DbOrTx } from "../../db/client.js";
import type { AffectedSystem } from "../../generated/sqlite/client.js";
import type { SystemInput } from "./systems.schemas.js";

export type { AffectedSystem };

/** An incident's systems in the order they were recorded, each with the timeline events linked to it. */
export function listSystemsWithEvents(db: DbOrTx, incidentId: string) {
  return db.affectedSystem.findMany({
    where: { incidentId },
    orderBy: [{ createdAt: "asc" }, { name: "asc" }],
    include: {
      events: {
        include: {
          event: {
            select: {
              id: true,
              occurredAt: true,
              kind: true,
              description: true,
              correctsId: true,
              _count: { select: { corrections: true } },
            },
          },
        },
      },
    },
  });
}

/** The ids and names of an incident's systems, for the uniqueness check. */
export function listSystemNames(db: DbOrTx, incidentId: string) {
  return db.affectedSystem.findMany({ where: { incidentId }, select: { id: true, name: true } });
}

/** A system of the given incident, or null (a system of another incident is not found). */
export function findSystem(db: DbOrTx, incidentId: string, id: string) {
  return db.affectedSystem.findFirst({ where: { id, incidentId } });
}

/** Inserts one system. */
export function insertSystem(db: DbOrTx, data: SystemInput & { id: string; incidentId: string }) {
  return db.affectedSystem.create({ data });
}

/** Changes a system's fields. */
export function updateSystem(db: DbOrTx, id: string, data: SystemInput) {
  return db.affectedSystem.update({ where: { id }, data });
}

/** The systems of several incidents (for the breach register), in the order each incident recorded them. */
export function listSystemsOfIncidents(db: DbOrTx, incidentIds: string[]) {
  return db.affectedSystem.findMany({
    where: { incidentId: { in: incidentIds } },
    orderBy: [{ createdAt: "asc" }, { name: "asc" }],
    select: { incidentId: true, name: true, role: true, status: true, compromiseMethod: true },
  });
}

/** The systems of an incident ticked to show on its public report, in the order they were recorded. */
export function listPublicSystems(db: DbOrTx, incidentId: string) {
  return db.affectedSystem.findMany({
    where: { incidentId, isPublic: true },
    select: { name: true, role: true, status: true },
    orderBy: [{ createdAt: "asc" }, { name: "asc" }],
  });
}
