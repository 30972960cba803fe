import { DateTime } from "luxon";
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { type ParsedInstant, parseOptionalInstant } from "../../lib/instants.js";
import { type Actor, withAudit } from "../audit/index.js";
import { findUser } from "../users/index.js";
import { addFoundingMembers, addOwnerAsMember, type IncidentReader, readableIncidentsWhere } from "./incident-access.service.js";
import { incidentEvents } from "./incident-hooks.service.js";
import { checkTransition, type IncidentStatus, offeredTransitions, statusLabels } from "./incident-lifecycle.policy.js";
import { listIncidentAudit, listOwnerCandidates, listRecentIncidentActivity } from "./incident-page.repository.js";
import {
  countIncidentsByStatus,
  findIncidentById,
  findIncidentByReference,
  findLatestDecisionOf,
  type Incident,
  insertIncident,
  lastIncidentNumber,
  listIncidents,
  listRecentOpenIncidents,
  updateIncident as updateIncidentRow,
} from "./incidents.repository.js";
import type { IncidentInput, TransitionInput } from "./incidents.schemas.js";

export type { Incident };

/** One page of the incidents `reader` may read matching the filter, as of now, with the total and each one's overdue action count. */
export function findIncidents(
  deps: Deps,
  reader: IncidentReader,
  filter: Parameters<typeof listIncidents>[1],
  page: { take: number; skip: number },
) {
  return listIncidents(deps.db.prisma, filter, deps.clock.now(), page, readableIncidentsWhere(reader));
}

/** Who may own an incident, for the incident form and the list's owner filter. */
export function listIncidentOwnerCandidates(deps: Deps) {
  return listOwnerCandidates(deps.db.prisma);
}

/** What the incident page shows besides its sections: the newest entries of its audit trail, and its owner. */
export async function loadIncidentPageDetails(deps: Deps, incident: Incident) {
  const [audit, owner] = await Promise.all([
    listIncidentAudit(deps.db.prisma, incident.id, 50),
    incident.ownerId ? findUser(deps.db.prisma, incident.ownerId) : null,
  ]);
  return { audit, owner };
}

/** BD-<year>-<number>: four digits at least, more when a year needs them. */
export function formatReference(year: number, number: number): string {
  return `BD-${year}-${String(number).padStart(4, "0")}`;
}

/** The incident with this reference, or a not_found AppError. */
export async function loadIncident(db: DbOrTx, reference: string): Promise<Incident> {
  const incident = await findIncidentByReference(db, reference);
  if (!incident) throw new AppError("not_found", `There is no incident ${reference}.`);
  return incident;
}

/** The incident with this reference, or null: for callers that answer a wrong reference their own way. */
export function findIncident(db: DbOrTx, reference: string): Promise<Incident | null> {
  return findIncidentByReference(db, reference);
}

/** The incident with this id, or null once it is gone. */
export function findIncidentWithId(db: DbOrTx, id: string): Promise<Incident | null> {
  return findIncidentById(db, id);
}

/**
 * Stores an incident's location inside the caller's audited transaction: the obligations module
 * checks the jurisdiction codes and recomputes the deadlines they change.
 */
export function setIncidentLocation(tx: DbOrTx, incidentId: string, location: string): Promise<Incident> {
  return updateIncidentRow(tx, incidentId, { location });
}

/** The dashboard's incidents `reader` may read: how many in each status, the open ones updated last, and recent activity on any. */
export async function loadIncidentOverview(deps: Deps, reader: IncidentReader) {
  const readable = readableIncidentsWhere(reader);
  const [byStatus, recentIncidents, recentActivity] = await Promise.all([
    countIncidentsByStatus(deps.db.prisma, readable),
    listRecentOpenIncidents(deps.db.prisma, 8, readable),
    listRecentIncidentActivity(deps.db.prisma, 10, readable),
  ]);
  return { byStatus, recentIncidents, recentActivity };
}

/** The fields of an incident the audit log keeps. */
function auditView(incident: Incident) {
  const { createdAt: _c, updatedAt: _u, ...rest } = incident;
  return rest;
}

/** Only what changed, before and after: audit entries for edits stay readable. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>) {
  const keys = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return {
    before: Object.fromEntries(keys.map((k) => [k, before[k]])),
    after: Object.fromEntries(keys.map((k) => [k, after[k]])),
  };
}

/** Parses the key instants of the form in the incident's zone; every bad one is reported. */
function parseKeyInstants(input: IncidentInput) {
  const fieldErrors: Record<string, string> = {};
  const parse = (field: "occurredFrom" | "occurredTo" | "detectedAt" | "awareAt"): ParsedInstant | null => {
    try {
      return parseOptionalInstant(input[field], input.timeZone, field);
    } catch (error) {
      if (error instanceof AppError) Object.assign(fieldErrors, error.fieldErrors);
      else throw error;
      return null;
    }
  };
  const occurredFrom = parse("occurredFrom");
  let occurredTo = parse("occurredTo");
  const detectedAt = parse("detectedAt");
  const awareAt = parse("awareAt");
  if (occurredFrom && !occurredTo) occurredTo = occurredFrom;
  if (occurredTo && !occurredFrom) fieldErrors.occurredFrom = "Enter when it began, or leave both empty when unknown.";
  if (occurredFrom && occurredTo && occurredTo.at < occurredFrom.at) fieldErrors.occurredTo = "The end is before the beginning.";
  if (detectedAt && awareAt && awareAt.at < detectedAt.at) {
    // Possible (aware of a suspicion before detection proper) but rare enough to be a typo.
    fieldErrors.awareAt = "Awareness is before detection; check the date, or record the earlier detection.";
  }
  if (Object.keys(fieldErrors).length) throw new AppError("validation", "Some dates need correcting.", fieldErrors);
  return {
    occurredFrom: occurredFrom?.at ?? null,
    occurredTo: occurredTo?.at ?? null,
    detectedAt: detectedAt?.at ?? null,
    awareAt: awareAt?.at ?? null,
  };
}

async function assertOwner(tx: DbOrTx, ownerId: string | null) {
  if (!ownerId) return;
  const owner = await findUser(tx, ownerId);
  if (!owner || owner.status !== "active" || owner.role === "viewer") {
    throw new AppError("validation", "Choose an owner from the list.", {
      ownerId: "The owner must be an active manager or administrator.",
    });
  }
}

/**
 * Records a new incident with the next reference of the current year (in UTC). Two incidents
 * created at once cannot share a reference: the (year, number) pair is unique, and a clash
 * is retried with the next number.
 */
export async function createIncident(deps: Deps, input: IncidentInput, actor: Actor): Promise<Incident> {
  const instants = parseKeyInstants(input);
  const year = DateTime.fromJSDate(deps.clock.now(), { zone: "utc" }).year;
  for (let attempt = 0; ; attempt++) {
    try {
      return await withAudit(deps.db, actor, deps.clock, async (tx) => {
        await assertOwner(tx, input.ownerId);
        const number = (await lastIncidentNumber(tx, year)) + 1;
        const incident = await insertIncident(tx, {
          id: newId(),
          reference: formatReference(year, number),
          year,
          number,
          title: input.title,
          summary: input.summary,
          severity: input.severity,
          status: "detected",
          ownerId: input.ownerId,
          team: input.team,
          timeZone: input.timeZone,
          ...instants,
          createdById: actor.userId,
          access: deps.config.INCIDENTS_DEFAULT_ACCESS,
        });
        await addFoundingMembers(tx, incident, deps.clock.now());
        return {
          result: incident,
          audit: { action: "incident.create", entityType: "incident", entityId: incident.id, after: auditView(incident) },
        };
      });
    } catch (error) {
      const isClash = (error as { code?: string }).code === "P2002";
      if (!isClash || attempt >= 4) throw error;
    }
  }
}

/** Changes an incident's details (not its status: see transitionIncident); audits what changed. */
export async function updateIncident(deps: Deps, reference: string, input: IncidentInput, actor: Actor): Promise<Incident> {
  const instants = parseKeyInstants(input);
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const incident = await loadIncident(tx, reference);
    await assertOwner(tx, input.ownerId);
    const updated = await updateIncidentRow(tx, incident.id, {
      title: input.title,
      summary: input.summary,
      severity: input.severity,
      ownerId: input.ownerId,
      team: input.team,
      timeZone: input.timeZone,
      ...instants,
    });
    // A new owner joins the team (as lead), so they can read the incident they now answer for.
    if (updated.ownerId !== incident.ownerId) await addOwnerAsMember(tx, updated, actor.userId, deps.clock.now());
    // awareAt and detectedAt start clocks when no clock event overrides them: the obligations
    // above recompute their stored deadlines in this transaction.
    if (+(incident.awareAt ?? 0) !== +(updated.awareAt ?? 0) || +(incident.detectedAt ?? 0) !== +(updated.detectedAt ?? 0)) {
      await incidentEvents.emitSerial("incident.clock_facts_changed", { deps, tx, incident: updated, actor });
    }
    return {
      result: updated,
      audit: {
        action: "incident.update",
        entityType: "incident",
        entityId: incident.id,
        ...changedFields(auditView(incident), auditView(updated)),
      },
    };
  });
}

/**
 * Moves an incident along its lifecycle (incident-lifecycle.ts decides what is allowed and
 * needed), writes the move on the timeline with who and when, and audits it.
 */
export async function transitionIncident(deps: Deps, reference: string, input: TransitionInput, actor: Actor): Promise<Incident> {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const incident = await loadIncident(tx, reference);
    const containedAt = parseOptionalInstant(input.containedAt, incident.timeZone, "containedAt");
    const latestDecision = await findLatestDecisionOf(tx, incident.id);
    const from = incident.status as IncidentStatus;
    const { transition, problems } = checkTransition(from, input.to, {
      hasContainedAt: Boolean(containedAt ?? (input.to === "contained" ? null : incident.containedAt)),
      reason: input.reason,
      latestDecision,
    });
    if (!transition || Object.keys(problems).length)
      throw new AppError("validation", "This change of status needs more.", problems);
    const now = deps.clock.now();
    const updated = await updateIncidentRow(tx, incident.id, {
      status: transition.to,
      ...(containedAt ? { containedAt: containedAt.at } : {}),
      closedAt: transition.to.startsWith("closed") ? now : null,
      // A change of status answers any proposal waiting: the work proposes again when it moves on.
      proposedStatus: "",
      proposedBecause: "",
      proposedAt: null,
    });
    const reason = input.reason.trim();
    const isContainment = transition.to === "contained" && containedAt;
    // The timeline (a module above this one) writes the move as an event of the incident's story.
    await incidentEvents.emitSerial("incident.status_changed", {
      deps,
      tx,
      incident: updated,
      from,
      to: transition.to,
      occurredAt: isContainment ? containedAt.at : now,
      occurredZone: isContainment ? containedAt.zone : incident.timeZone,
      eventKind: transition.eventKind,
      description: `Status changed from ${statusLabels[from]} to ${statusLabels[transition.to]}.${reason ? ` ${reason}` : ""}`,
      actor,
    });
    return {
      result: updated,
      audit: {
        action: "incident.transition",
        entityType: "incident",
        entityId: incident.id,
        before: { status: from },
        after: { status: transition.to, ...(containedAt ? { containedAt: containedAt.at } : {}), ...(reason ? { reason } : {}) },
      },
    };
  });
}

/**
 * The status changes to offer on a page: those that can be taken now, and those that cannot yet,
 * each with why (a decision to record first), so no button leads to a refusal.
 */
export async function loadTransitionChoices(db: DbOrTx, incident: Pick<Incident, "id" | "status">) {
  const latestDecision = await findLatestDecisionOf(db, incident.id);
  const all = offeredTransitions(incident.status as IncidentStatus, { latestDecision });
  return { offered: all.filter((t) => t.blockedBecause === null), blocked: all.filter((t) => t.blockedBecause !== null) };
}
