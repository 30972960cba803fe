import type { DbOrTx } from "../../db/client.js";
import type { TimelineEvent, TimelineImport } from "../../generated/sqlite/client.js";

export type { TimelineEvent, TimelineImport };

export interface NewTimelineEvent {
  id: string;
  incidentId: string;
  occurredAt: Date;
  occurredZone: string;
  recordedAt: Date;
  recordedById: string | null;
  recordedBy: string;
  kind: string;
  description: string;
  visibility: "internal" | "public";
  source: "manual" | "import" | "api" | "lifecycle";
  correctsId?: string | null;
  systemIds?: string[];
}

/** Inserts one event (and its links to systems). Events are never updated or deleted. */
export async function insertTimelineEvent(db: DbOrTx, event: NewTimelineEvent): Promise<TimelineEvent> {
  const { systemIds = [], ...data } = event;
  return db.timelineEvent.create({
    data: { ...data, systems: { create: systemIds.map((systemId) => ({ systemId })) } },
  });
}

/** Inserts many events without system links in one statement (an import). */
export async function insertTimelineEvents(db: DbOrTx, events: Omit<NewTimelineEvent, "systemIds">[]): Promise<number> {
  if (events.length === 0) return 0;
  const { count } = await db.timelineEvent.createMany({ data: events });
  return count;
}

/** An incident's chronology: by when each event happened, then by when it was recorded. */
export function listTimelineEvents(db: DbOrTx, incidentId: string) {
  return db.timelineEvent.findMany({
    where: { incidentId },
    orderBy: [{ occurredAt: "asc" }, { recordedAt: "asc" }, { id: "asc" }],
    include: { systems: { include: { system: { select: { id: true, name: true } } } } },
  });
}

/** One event of an incident with the ids of its systems, or null when the id names none of this incident's events. */
export function findTimelineEvent(db: DbOrTx, incidentId: string, eventId: string) {
  return db.timelineEvent.findFirst({ where: { id: eventId, incidentId }, include: { systems: { select: { systemId: true } } } });
}

/** The incident's affected systems, by name: what events may be linked to. */
export function listIncidentSystems(db: DbOrTx, incidentId: string) {
  return db.affectedSystem.findMany({ where: { incidentId }, orderBy: { name: "asc" }, select: { id: true, name: true } });
}

/** Which of these system ids belong to the incident. */
export async function findIncidentSystemIds(db: DbOrTx, incidentId: string, systemIds: string[]): Promise<string[]> {
  if (systemIds.length === 0) return [];
  const rows = await db.affectedSystem.findMany({ where: { incidentId, id: { in: systemIds } }, select: { id: true } });
  return rows.map((r) => r.id);
}

export function insertTimelineImport(db: DbOrTx, data: Omit<TimelineImport, "createdAt" | "importedAt">) {
  return db.timelineImport.create({ data });
}

/** An uploaded CSV of this incident, or null. */
export function findTimelineImport(db: DbOrTx, incidentId: string, importId: string) {
  return db.timelineImport.findFirst({ where: { id: importId, incidentId } });
}

/**
 * Marks an upload imported, only if it was not yet: true for the one caller that wins, so two
 * confirmations (two tabs, a double click) import the rows once.
 */
export async function claimTimelineImport(db: DbOrTx, importId: string, at: Date): Promise<boolean> {
  const { count } = await db.timelineImport.updateMany({ where: { id: importId, importedAt: null }, data: { importedAt: at } });
  return count === 1;
}
