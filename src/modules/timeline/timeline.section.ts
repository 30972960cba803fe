import type { Deps } from "../../deps.js";
import { formatInZone, isValidZone, listZones, toLocalInput } from "../../lib/instants.js";
import type { IncidentSection } from "../../web/incident-section.js";
import { fixedOffsets, visibilities, visibilityLabels } from "./timeline.schemas.js";
import type { CsvRow } from "./timeline-csv.policy.js";
import { type TimelineKind, timelineKindIds, timelineKinds } from "./timeline-kinds.policy.js";
import { loadEventFormSystems, loadEventToCorrect, loadTimelineEvents, type TimelineEventRow } from "./timeline-reads.service.js";

const sourceLabels: Record<string, string> = {
  manual: "",
  import: "imported from a CSV file",
  api: "recorded through the API",
  lifecycle: "recorded automatically (a change of status or a decision)",
};

type EventRow = TimelineEventRow;

/** What the forms need of the incident. */
type FormIncident = { id: string; reference: string; timeZone: string };

export interface EventFormValues {
  kind: string;
  description: string;
  occurredAt: string;
  occurredAtZone: string;
  visibility: string;
  systemIds: string[];
}

/** An instant as the viewer reads it, with the zone it was entered in when that is another. */
function instantView(at: Date, enteredZone: string, viewerZone: string) {
  return {
    iso: at.toISOString(),
    text: formatInZone(at, viewerZone),
    // A fixed offset names itself in the formatted text; an IANA zone is named beside it.
    original:
      enteredZone === viewerZone
        ? null
        : isValidZone(enteredZone) && !formatInZone(at, enteredZone).endsWith(enteredZone)
          ? `${formatInZone(at, enteredZone)} (${enteredZone})`
          : formatInZone(at, enteredZone),
  };
}

function kindLabel(kind: string): string {
  return timelineKinds[kind as TimelineKind] ?? kind;
}

/**
 * The chronology as the viewer reads it: events by when they happened (ties by when they were
 * recorded), instants in the viewer's zone with the entered zone beside them, each numbered in
 * the order it was recorded (numbers never change, since entries are only ever added), and
 * corrections linked both ways with the entries they correct.
 */
export function buildTimelineView(events: EventRow[], viewerZone: string) {
  // Rows recorded in the same instant (an import) are numbered in the order they happened.
  const byRecording = [...events].sort(
    (a, b) => +a.recordedAt - +b.recordedAt || +a.occurredAt - +b.occurredAt || a.id.localeCompare(b.id),
  );
  const numberOf = new Map(byRecording.map((e, index) => [e.id, index + 1]));
  const byId = new Map(events.map((e) => [e.id, e]));
  const correctionsOf = new Map<string, EventRow[]>();
  for (const e of events) if (e.correctsId) correctionsOf.set(e.correctsId, [...(correctionsOf.get(e.correctsId) ?? []), e]);
  const ref = (e: EventRow) => ({
    id: e.id,
    number: numberOf.get(e.id)!,
    anchor: `event-${e.id}`,
    when: formatInZone(e.occurredAt, viewerZone),
    kindLabel: kindLabel(e.kind),
    description: e.description,
  });
  return events.map((e) => {
    const corrected = e.correctsId ? byId.get(e.correctsId) : undefined;
    return {
      ...ref(e),
      kind: e.kind,
      occurred: instantView(e.occurredAt, e.occurredZone, viewerZone),
      recorded: { iso: e.recordedAt.toISOString(), text: formatInZone(e.recordedAt, viewerZone) },
      recordedBy: e.recordedBy,
      sourceLabel: sourceLabels[e.source] ?? e.source,
      isPublic: e.visibility === "public",
      systems: e.systems.map((s) => s.system.name).sort((a, b) => a.localeCompare(b)),
      systemIds: e.systems.map((s) => s.system.id),
      occurredAt: e.occurredAt,
      occurredZone: e.occurredZone,
      visibility: e.visibility,
      corrects: corrected ? ref(corrected) : null,
      correctedBy: (correctionsOf.get(e.id) ?? []).map(ref),
    };
  });
}

/** The view of the add or correct form: choices, what to show in the fields, and errors. */
export async function eventFormView(
  deps: Deps,
  incident: FormIncident,
  options: { values?: EventFormValues; fieldErrors?: Record<string, string>; correctsId?: string; idPrefix?: string },
) {
  const ref = encodeURIComponent(incident.reference);
  return {
    action: options.correctsId
      ? `/incidents/${ref}/events/${encodeURIComponent(options.correctsId)}/corrections`
      : `/incidents/${ref}/events`,
    idPrefix: options.idPrefix ?? "",
    submitLabel: options.correctsId ? "Record the correction" : "Add the event",
    values: options.values ?? newEventValues(incident.timeZone),
    fieldErrors: options.fieldErrors ?? {},
    kinds: timelineKindIds.map((id) => ({ id, label: timelineKinds[id] })),
    visibilities: visibilities.map((id) => ({ id, label: visibilityLabels[id] })),
    zones: withZones(listZones(), [incident.timeZone]),
    offsets: fixedOffsets,
    systems: await loadEventFormSystems(deps, incident.id),
  };
}

function newEventValues(zone: string): EventFormValues {
  return { kind: "note", description: "", occurredAt: "", occurredAtZone: zone, visibility: "internal", systemIds: [] };
}

/** A zone list that surely holds the given zones (a zone picked earlier must stay selectable). */
function withZones(zones: string[], needed: string[]): string[] {
  return [...new Set([...needed.filter(isValidZone), ...zones])];
}

/** The rows of an import preview, instants in the viewer's zone. */
export function importRowsView(rows: CsvRow[], viewerZone: string) {
  return rows.map((row) =>
    row.ok
      ? {
          line: row.line,
          raw: row.raw,
          ok: true as const,
          occurred: instantView(row.event.occurredAt, row.event.occurredZone, viewerZone),
          kindLabel: kindLabel(row.event.kind),
          description: row.event.description,
          reasons: [] as string[],
        }
      : { line: row.line, raw: row.raw, ok: false as const, reasons: row.reasons },
  );
}

/**
 * The values a correction form starts from: the corrected event's own, its instant in the zone
 * it was entered in (or the incident's, for a zone this runtime no longer knows).
 */
export function correctionValues(
  event: Pick<EventRow, "kind" | "description" | "occurredAt" | "occurredZone" | "visibility"> & { systemIds: string[] },
  incidentZone: string,
): EventFormValues {
  const zone = isValidZone(event.occurredZone) || fixedOffsets.includes(event.occurredZone) ? event.occurredZone : incidentZone;
  return {
    kind: event.kind,
    description: event.description,
    occurredAt: toLocalInput(event.occurredAt, zone),
    occurredAtZone: zone,
    visibility: event.visibility,
    systemIds: event.systemIds,
  };
}

/** The correction form of one entry, filled with the entry's values; not_found when the incident has no such entry. */
export async function correctionFormView(deps: Deps, incident: FormIncident, eventId: string) {
  const event = await loadEventToCorrect(deps, incident, eventId);
  const values = correctionValues({ ...event, systemIds: event.systems.map((s) => s.systemId) }, incident.timeZone);
  return {
    event: { kindLabel: kindLabel(event.kind), description: event.description, anchor: `event-${event.id}` },
    form: await eventFormView(deps, incident, { values, correctsId: event.id }),
  };
}

/**
 * The incident page's timeline: the chronology, and for managers the form to add an event and a
 * link per entry to its correction form (a page of its own: one form per entry made the page
 * grow by kilobytes an entry, and its render by milliseconds, as the timeline grew).
 */
export const timelineSection: IncidentSection = {
  id: "timeline",
  title: "Timeline",
  view: "incidents/sections/timeline",
  async load(deps, incident, viewer) {
    const viewerZone = isValidZone(viewer.timeZone) ? viewer.timeZone : "UTC";
    const events = buildTimelineView(await loadTimelineEvents(deps, incident.id), viewerZone);
    const addForm = await eventFormView(deps, incident, { idPrefix: "timeline-add-" });
    const ref = encodeURIComponent(incident.reference);
    return {
      timeline: {
        incident: { reference: incident.reference, timeZone: incident.timeZone },
        viewerZone,
        events: events.map((e) => ({ ...e, correctionPath: `/incidents/${ref}/events/${encodeURIComponent(e.id)}/corrections` })),
        addForm,
        importPath: `/incidents/${ref}/events/import`,
      },
    };
  },
};
