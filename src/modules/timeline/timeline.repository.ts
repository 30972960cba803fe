import type { DbOrTx } from "../../db/client.js";
import type { TimelineEvent } from "../../generated/sqlite/client.js";

export type { TimelineEvent };

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
