import type { DbOrTx } from "../../db/client.js";
import type { ClockEvent, Obligation, Prisma } from "../../generated/sqlite/client.js";
import { openStatuses } from "../incidents/index.js";
import { OUTSTANDING_STATUSES } from "./obligation-urgency.policy.js";

export type { ClockEvent, Obligation };

/** An incident's recorded clock events, oldest first. */
export function listClockEvents(db: DbOrTx, incidentId: string) {
  return db.clockEvent.findMany({ where: { incidentId }, orderBy: { at: "asc" } });
}

/** The incident's event of a code, or null. */
export function findClockEvent(db: DbOrTx, incidentId: string, code: string) {
  return db.clockEvent.findUnique({ where: { incidentId_code: { incidentId, code } } });
}

/** Inserts or replaces the incident's event of a code (one per code per incident). */
export function upsertClockEvent(db: DbOrTx, data: Prisma.ClockEventUncheckedCreateInput) {
  const { id: _id, incidentId, code, ...rest } = data;
  return db.clockEvent.upsert({ where: { incidentId_code: { incidentId, code } }, create: data, update: rest });
}

/** An incident's obligations. */
export function listObligationsOfIncident(db: DbOrTx, incidentId: string) {
  return db.obligation.findMany({ where: { incidentId }, orderBy: { appliedAt: "asc" } });
}

/** An obligation of the given incident, or null (one of another incident is not found). */
export function findObligation(db: DbOrTx, incidentId: string, id: string) {
  return db.obligation.findFirst({ where: { id, incidentId } });
}

export function insertObligation(db: DbOrTx, data: Prisma.ObligationUncheckedCreateInput) {
  return db.obligation.create({ data });
}

export function updateObligation(db: DbOrTx, id: string, data: Prisma.ObligationUncheckedUpdateInput) {
  return db.obligation.update({ where: { id }, data });
}

/** Deletes an obligation (removing a rule applied by mistake). */
export function deleteObligation(db: DbOrTx, id: string) {
  return db.obligation.delete({ where: { id } });
}

/** The regimes of the incident's latest decision (newest recorded), or none. */
export async function latestDecisionRegimes(db: DbOrTx, incidentId: string): Promise<string[]> {
  const decision = await db.decision.findFirst({ where: { incidentId }, orderBy: { recordedAt: "desc" } });
  if (!decision) return [];
  const regimes = JSON.parse(decision.regimes) as unknown;
  return Array.isArray(regimes) ? regimes.filter((r): r is string => typeof r === "string") : [];
}

/** The head count of the incident's latest assessment, or null. */
export async function latestPeopleCount(db: DbOrTx, incidentId: string): Promise<number | null> {
  const assessment = await db.riskAssessment.findFirst({ where: { incidentId }, orderBy: { assessedAt: "desc" } });
  return assessment?.peopleCount ?? null;
}

/**
 * The incident's imported people by where they live, each at the finest code known: the
 * region when it is an ISO 3166-2 code (AU-NSW), else the country (AU); people with neither are
 * not counted. One grouped read through the (incident, country, region) index.
 */
export async function countPeopleByPlace(db: DbOrTx, incidentId: string): Promise<{ code: string; count: number }[]> {
  const groups = await db.person.groupBy({ by: ["country", "region"], where: { incidentId }, _count: { _all: true } });
  const byCode = new Map<string, number>();
  for (const group of groups) {
    const code = group.region && /^[A-Z]{2}-[A-Z0-9]{1,3}$/.test(group.region) ? group.region : group.country;
    if (code) byCode.set(code, (byCode.get(code) ?? 0) + group._count._all);
  }
  return [...byCode].map(([code, count]) => ({ code, count }));
}

const incidentSummary = { select: { id: true, reference: true, title: true, timeZone: true, status: true } } as const;

/**
 * Outstanding (pending or late) obligations of open incidents, with their incident; the
 * caller sorts by urgency, which for "as soon as practicable" rules is computed, not stored.
 */
export function listOutstandingObligations(db: DbOrTx, readable: Prisma.IncidentWhereInput = {}) {
  return db.obligation.findMany({
    where: { status: { in: OUTSTANDING_STATUSES }, incident: { status: { in: openStatuses }, AND: [readable] } },
    include: { incident: incidentSummary },
  });
}

/** Outstanding obligations of open incidents that have a due instant, nearest (or most overdue) first. */
export function listDueOutstandingObligations(db: DbOrTx, limit: number, readable: Prisma.IncidentWhereInput = {}) {
  return db.obligation.findMany({
    where: {
      status: { in: OUTSTANDING_STATUSES },
      dueAt: { not: null },
      incident: { status: { in: openStatuses }, AND: [readable] },
    },
    orderBy: [{ dueAt: "asc" }, { appliedAt: "asc" }],
    take: limit,
    include: { incident: incidentSummary },
  });
}

/** The recorded clock events of several incidents. */
export function listClockEventsOf(db: DbOrTx, incidentIds: string[]) {
  return db.clockEvent.findMany({ where: { incidentId: { in: incidentIds } } });
}

/** Incidents by id with the fields their implicit clock events come from. */
export function listIncidentClockFields(db: DbOrTx, ids: string[]) {
  return db.incident.findMany({
    where: { id: { in: ids } },
    select: { id: true, awareAt: true, detectedAt: true, timeZone: true },
  });
}

/** The met obligations of several incidents (for the breach register), in the order met. */
export function listMetObligationsOf(db: DbOrTx, incidentIds: string[]) {
  return db.obligation.findMany({
    where: { incidentId: { in: incidentIds }, status: "met" },
    orderBy: [{ metAt: "asc" }, { ruleId: "asc" }],
    select: {
      incidentId: true,
      ruleId: true,
      terms: true,
      zone: true,
      metAt: true,
      metHow: true,
      metReference: true,
      metBy: true,
    },
  });
}
