import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { formatInZone } from "../../lib/instants.js";
import { type Actor, withAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import { timelineKinds } from "../timeline/index.js";
import {
  type AffectedSystem,
  findSystem,
  insertSystem,
  listPublicSystems,
  listSystemNames,
  listSystemsWithEvents,
  updateSystem,
} from "./systems.repository.js";
import type { SystemInput } from "./systems.schemas.js";

async function requireIncident(db: DbOrTx, reference: string): Promise<Incident> {
  return loadIncident(db, reference);
}

async function requireSystem(db: DbOrTx, reference: string, systemId: string) {
  const incident = await requireIncident(db, reference);
  const system = await findSystem(db, incident.id, systemId);
  if (!system) throw new AppError("not_found", `${incident.reference} has no such system.`);
  return { incident, system };
}

/** Refuses a name another system of the incident has, in any letter case. */
async function assertNameFree(db: DbOrTx, incidentId: string, name: string, exceptId?: string) {
  const names = await listSystemNames(db, incidentId);
  if (names.some((s) => s.id !== exceptId && s.name.toLowerCase() === name.toLowerCase())) throw nameTaken(name);
}

function nameTaken(name: string) {
  return new AppError("conflict", `This incident has a system named "${name}" already.`, {
    name: "Another system of this incident has this name. Edit that one, or tell them apart in the name.",
  });
}

/** True for Prisma's unique-constraint error (P2002): two forms sent at once with one name. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** What the audit log keeps of a system. */
function auditView(incident: Incident, system: AffectedSystem) {
  return {
    incident: incident.reference,
    name: system.name,
    role: system.role,
    compromiseMethod: system.compromiseMethod,
    status: system.status,
    notes: system.notes,
    isPublic: system.isPublic,
  };
}

/** Records a system an incident involves; its name is unique within the incident. */
export async function createSystem(deps: Deps, reference: string, input: SystemInput, actor: Actor) {
  try {
    return await withAudit(deps.db, actor, deps.clock, async (tx) => {
      const incident = await requireIncident(tx, reference);
      await assertNameFree(tx, incident.id, input.name);
      const system = await insertSystem(tx, { id: newId(), incidentId: incident.id, ...input });
      return {
        result: { incident, system },
        audit: {
          action: "affected_system.create",
          entityType: "affected_system",
          entityId: system.id,
          incidentId: incident.id,
          after: auditView(incident, system),
        },
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

/** Changes a system's name, role, compromise method, status and notes (audited with before/after). */
export async function editSystem(deps: Deps, reference: string, systemId: string, input: SystemInput, actor: Actor) {
  try {
    return await withAudit(deps.db, actor, deps.clock, async (tx) => {
      const { incident, system } = await requireSystem(tx, reference, systemId);
      await assertNameFree(tx, incident.id, input.name, system.id);
      const updated = await updateSystem(tx, system.id, input);
      return {
        result: { incident, system: updated },
        audit: {
          action: "affected_system.update",
          entityType: "affected_system",
          entityId: system.id,
          incidentId: incident.id,
          before: auditView(incident, system),
          after: auditView(incident, updated),
        },
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

/** The incident of the add form, for re-showing it. */
export function loadIncidentForSystems(deps: Deps, reference: string): Promise<Incident> {
  return requireIncident(deps.db.prisma, reference);
}

/** The incident and system of the edit form. */
export function loadSystemForEdit(deps: Deps, reference: string, systemId: string) {
  return requireSystem(deps.db.prisma, reference, systemId);
}

export interface LinkedEvent {
  id: string;
  occurredAt: Date;
  /** The instant in the viewer's zone, e.g. "2016-03-22 09:30 GMT+11". */
  occurredText: string;
  /** The instant in the incident's zone when that differs from the viewer's, else null. */
  occurredIncidentText: string | null;
  kind: string;
  kindLabel: string;
  description: string;
  isCorrection: boolean;
  isCorrected: boolean;
}

/**
 * An incident's systems, each with its linked timeline events oldest first, the instants
 * shown in the viewer's zone (and the incident's, when it differs), as on the rest of the page.
 */
export async function loadSystems(deps: Deps, incident: Incident, viewerZone: string) {
  const systems = await listSystemsWithEvents(deps.db.prisma, incident.id);
  return systems.map(({ events, ...system }) => ({
    ...system,
    linkedEvents: events
      .map(
        ({ event }): LinkedEvent => ({
          id: event.id,
          occurredAt: event.occurredAt,
          occurredText: formatInZone(event.occurredAt, viewerZone),
          occurredIncidentText: viewerZone === incident.timeZone ? null : formatInZone(event.occurredAt, incident.timeZone),
          kind: event.kind,
          kindLabel: timelineKinds[event.kind as keyof typeof timelineKinds] ?? event.kind,
          description: event.description,
          isCorrection: event.correctsId !== null,
          isCorrected: event._count.corrections > 0,
        }),
      )
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id.localeCompare(b.id)),
  }));
}

/** What a public report shows of an incident's systems: name, role and status of those ticked public. */
export function loadPublicSystems(db: DbOrTx, incidentId: string) {
  return listPublicSystems(db, incidentId);
}
