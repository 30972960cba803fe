import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { AppError } from "../lib/errors.js";
import { parseInput } from "../lib/validation.js";
import { loadIncident } from "../modules/incidents/index.js";
import { addTimelineEvent, loadTimelineEvents } from "../modules/timeline/index.js";
import { pageQuerySchema } from "./api.schemas.js";
import { pageInfo, serializeTimelineEvent } from "./api.serializers.js";
import { apiActor } from "./api-auth.js";

/**
 * The API names the zone field occurredZone, as events are shown; the timeline form (whose
 * reader the API shares) calls it occurredAtZone. Visibility defaults to internal.
 */
function toEventForm(body: Record<string, unknown>) {
  const { occurredZone, ...rest } = body;
  return { ...rest, occurredAtZone: occurredZone, visibility: body.visibility ?? "internal" };
}

function renameZoneField(error: unknown): never {
  if (error instanceof AppError && "occurredAtZone" in error.fieldErrors) {
    const { occurredAtZone, ...others } = error.fieldErrors;
    throw new AppError(error.code, error.message, { ...others, occurredZone: occurredAtZone! });
  }
  throw error;
}

/** The ids a body links, as the timeline service reads them (one id or a list, duplicates once). */
function linkedSystemIds(value: unknown): string[] {
  const ids = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return [...new Set(ids.map(String))].filter(Boolean);
}

/** The timeline endpoints of an incident: append an event, list the chronology. */
export function createApiEventHandlers(deps: Deps) {
  return {
    async create(req: Request, res: Response) {
      const body = req.body as Record<string, unknown>;
      const { event } = await addTimelineEvent(deps, String(req.params.ref), toEventForm(body), apiActor(req, res), "api").catch(
        renameZoneField,
      );
      res.status(201).json(serializeTimelineEvent(event, linkedSystemIds(body.systemIds)));
    },

    async list(req: Request, res: Response) {
      const page = parseInput(pageQuerySchema, req.query);
      const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
      const events = await loadTimelineEvents(deps, incident.id);
      const shown = events.slice(page.offset, page.offset + page.limit);
      res.json({
        data: shown.map((e) =>
          serializeTimelineEvent(
            e,
            e.systems.map((s) => s.systemId),
          ),
        ),
        page: pageInfo(page, events.length),
      });
    },
  };
}
