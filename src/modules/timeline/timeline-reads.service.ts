import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { findTimelineEvent, listIncidentSystems, listTimelineEvents } from "./timeline.repository.js";

/**
 * What the timeline's pages and the API read: the section and the handlers call these rather
 * than the repository, so the module's queries stay behind its services.
 */

/** An incident's timeline entries, each with its linked systems, in the order they happened. */
export function loadTimelineEvents(deps: Deps, incidentId: string) {
  return listTimelineEvents(deps.db.prisma, incidentId);
}

/** One entry of the timeline, as loadTimelineEvents gives it. */
export type TimelineEventRow = Awaited<ReturnType<typeof loadTimelineEvents>>[number];

/** The incident's systems an event may be linked to, for the add and correct forms. */
export function loadEventFormSystems(deps: Deps, incidentId: string) {
  return listIncidentSystems(deps.db.prisma, incidentId);
}

/** The entry a correction form corrects; not_found when the incident's timeline has no such entry. */
export async function loadEventToCorrect(deps: Deps, incident: { id: string; reference: string }, eventId: string) {
  const event = await findTimelineEvent(deps.db.prisma, incident.id, eventId);
  if (!event) throw new AppError("not_found", `The timeline of ${incident.reference} has no such entry to correct.`);
  return event;
}
