import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import {
  findIncidentSystemIds,
  findTimelineEvent,
  insertTimelineEvent,
  type NewTimelineEvent,
  type TimelineEvent,
} from "./timeline.repository.js";
import { parseEventForm, type Visibility } from "./timeline.schemas.js";
import { type TimelineKind, timelineKinds } from "./timeline-kinds.policy.js";

export { loadTimelineEvents } from "./timeline-reads.service.js";

/**
 * The timeline is append-only: this module inserts events and never updates or deletes one.
 * A correction is a new event whose correctsId names the event it corrects.
 */

export interface TimelineEventInput {
  occurredAt: Date;
  /** The IANA zone (or "UTC+hh:mm") the instant was entered in. */
  occurredZone: string;
  kind: TimelineKind;
  description: string;
  visibility?: Visibility;
  source: NewTimelineEvent["source"];
  correctsId?: string | null;
  systemIds?: string[];
}

type TimelineDeps = Pick<Deps, "db" | "clock">;

/**
 * Appends one event to an incident's timeline inside the caller's transaction, recorded now by
 * the actor, and audits it (timeline.event_add, or timeline.event_correct for a correction) in
 * the same transaction. The caller has checked that linked systems and the corrected event
 * belong to the incident.
 */
export async function recordTimelineEvent(
  deps: TimelineDeps,
  tx: DbOrTx,
  incident: Pick<Incident, "id" | "reference">,
  input: TimelineEventInput,
  actor: Actor,
): Promise<TimelineEvent> {
  if (!(input.kind in timelineKinds)) throw new AppError("validation", `Unknown kind of timeline event: ${input.kind}.`);
  const event = await insertTimelineEvent(tx, {
    id: newId(),
    incidentId: incident.id,
    occurredAt: input.occurredAt,
    occurredZone: input.occurredZone,
    recordedAt: deps.clock.now(),
    recordedById: actor.userId,
    recordedBy: actor.label,
    kind: input.kind,
    description: input.description,
    visibility: input.visibility ?? "internal",
    source: input.source,
    correctsId: input.correctsId ?? null,
    systemIds: input.systemIds ?? [],
  });
  await recordAudit(
    deps.db,
    tx,
    actor,
    {
      action: event.correctsId ? "timeline.event_correct" : "timeline.event_add",
      entityType: "timeline_event",
      incidentId: incident.id,
      entityId: event.id,
      after: {
        incident: incident.reference,
        occurredAt: event.occurredAt,
        occurredZone: event.occurredZone,
        kind: event.kind,
        description: event.description,
        visibility: event.visibility,
        source: event.source,
        correctsId: event.correctsId,
        systemIds: input.systemIds ?? [],
      },
    },
    deps.clock,
  );
  return event;
}

/** The incident with this reference, or a not_found AppError. */
export async function loadTimelineIncident(db: DbOrTx, reference: string): Promise<Incident> {
  return loadIncident(db, reference);
}

/**
 * Adds an event a person entered on the form: validates kind, description, visibility and
 * the instant (in the chosen zone, refusing daylight-saving gaps and overlaps), and that every
 * linked system belongs to the incident; then records and audits it in one transaction.
 */
export function addTimelineEvent(
  deps: Deps,
  incidentReference: string,
  formInput: unknown,
  actor: Actor,
  source: FormSource = "manual",
) {
  return addFromForm(deps, incidentReference, formInput, actor, null, source);
}

/**
 * Records a correction: a new event, validated like any other, that points at an event of the
 * same incident. The corrected event is left as it was; an event may be corrected many times.
 */
export function correctTimelineEvent(
  deps: Deps,
  incidentReference: string,
  eventId: string,
  formInput: unknown,
  actor: Actor,
  source: FormSource = "manual",
) {
  return addFromForm(deps, incidentReference, formInput, actor, eventId, source);
}

/** Where an entered event came from: the web form, or the API (which shares the form's reader). */
type FormSource = "manual" | "api";

async function addFromForm(
  deps: Deps,
  reference: string,
  formInput: unknown,
  actor: Actor,
  correctsId: string | null,
  source: FormSource,
) {
  const incident = await loadTimelineIncident(deps.db.prisma, reference);
  // Checked before the form, and outside the transaction: events are never deleted, so it stays true.
  if (correctsId && !(await findTimelineEvent(deps.db.prisma, incident.id, correctsId))) {
    throw new AppError("not_found", `The timeline of ${incident.reference} has no such entry to correct.`);
  }
  const input = parseEventForm(formInput, incident.timeZone);
  const event = await deps.db.prisma.$transaction(async (tx) => {
    const found = await findIncidentSystemIds(tx, incident.id, input.systemIds);
    if (found.length !== input.systemIds.length) {
      throw new AppError("validation", "Some fields need correcting.", {
        systemIds: `Link only systems of ${incident.reference}; one of those chosen is not.`,
      });
    }
    return recordTimelineEvent(
      deps,
      tx,
      incident,
      {
        occurredAt: input.occurred.at,
        occurredZone: input.occurred.zone,
        kind: input.kind,
        description: input.description,
        visibility: input.visibility,
        source,
        correctsId,
        systemIds: input.systemIds,
      },
      actor,
    );
  });
  return { incident, event };
}
