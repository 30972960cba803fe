import type { DbOrTx } from "../../db/client.js";
import { type Incident, Prisma } from "../../generated/sqlite/client.js";
import { overdueActionsAt } from "./incident-hooks.service.js";
import { type IncidentStatus, openStatuses } from "./incident-lifecycle.policy.js";
import type { IncidentFilter } from "./incidents.schemas.js";

export type { Incident };

export function findIncidentByReference(db: DbOrTx, reference: string) {
  return db.incident.findUnique({ where: { reference: reference.toUpperCase() } });
}

export function findIncidentById(db: DbOrTx, id: string) {
  return db.incident.findUnique({ where: { id } });
}

/** The highest number given to an incident in a year, or 0. */
export async function lastIncidentNumber(db: DbOrTx, year: number): Promise<number> {
  const last = await db.incident.findFirst({ where: { year }, orderBy: { number: "desc" }, select: { number: true } });
  return last?.number ?? 0;
}

export function insertIncident(db: DbOrTx, data: Prisma.IncidentUncheckedCreateInput) {
  return db.incident.create({ data });
}

export function updateIncident(db: DbOrTx, id: string, data: Prisma.IncidentUncheckedUpdateInput) {
  return db.incident.update({ where: { id }, data });
}

const severityRank = ["critical", "high", "medium", "low"];

/**
 * Ids of incidents whose reference, title or summary contains the text, ignoring case. One
 * statement that reads the same on SQLite and PostgreSQL (Prisma's `contains` is
 * case-sensitive on PostgreSQL and has no insensitive mode on SQLite). Reads only.
 */
async function searchIncidentIds(db: DbOrTx, text: string): Promise<string[]> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db.$queryRaw<{ id: string }[]>(
    Prisma.sql`SELECT id FROM incident WHERE LOWER(reference) LIKE ${pattern} ESCAPE '\\'
      OR LOWER(title) LIKE ${pattern} ESCAPE '\\' OR LOWER(summary) LIKE ${pattern} ESCAPE '\\'`,
  );
  return rows.map((r) => r.id);
}

/** One page of incidents matching the filter, with the total and each one's overdue action count. */
export async function listIncidents(
  db: DbOrTx,
  filter: IncidentFilter,
  now: Date,
  page: { take: number; skip: number },
  readable: Prisma.IncidentWhereInput = {},
) {
  const overdueActions = overdueActionsAt(now) as Prisma.RemedialActionWhereInput;
  const statuses: IncidentStatus[] | undefined =
    filter.status === "open" || filter.status === undefined
      ? openStatuses
      : filter.status === "all"
        ? undefined
        : [filter.status];
  const where: Prisma.IncidentWhereInput = {
    ...(statuses ? { status: { in: statuses } } : {}),
    ...(filter.severity ? { severity: filter.severity } : {}),
    ...(filter.owner === "none" ? { ownerId: null } : filter.owner ? { ownerId: filter.owner } : {}),
    ...(filter.overdue ? { actions: { some: overdueActions } } : {}),
    ...(filter.q ? { id: { in: await searchIncidentIds(db, filter.q) } } : {}),
    AND: [readable],
  };
  const orderBy: Prisma.IncidentOrderByWithRelationInput[] =
    filter.sort === "reference"
      ? [{ year: "desc" }, { number: "desc" }]
      : filter.sort === "status"
        ? [{ status: "asc" }, { updatedAt: "desc" }]
        : filter.sort === "detected"
          ? [{ detectedAt: "desc" }, { updatedAt: "desc" }]
          : [{ updatedAt: "desc" }];
  const [rows, total] = await Promise.all([
    db.incident.findMany({
      where,
      orderBy,
      // Severity is ranked in code below, so that page needs every match; other sorts page in SQL.
      ...(filter.sort === "severity" ? {} : page),
      include: {
        owner: { select: { id: true, name: true } },
        _count: { select: { actions: { where: overdueActions } } },
      },
    }),
    db.incident.count({ where }),
  ]);
  const sorted =
    filter.sort === "severity"
      ? rows
          .sort((a, b) => severityRank.indexOf(a.severity) - severityRank.indexOf(b.severity) || +b.updatedAt - +a.updatedAt)
          .slice(page.skip, page.skip + page.take)
      : rows;
  return { incidents: sorted.map((i) => ({ ...i, overdueActionCount: i._count.actions })), total };
}

/** The open incidents updated most recently, for the dashboard. */
export function listRecentOpenIncidents(db: DbOrTx, take: number, readable: Prisma.IncidentWhereInput = {}) {
  return db.incident.findMany({ where: { status: { in: openStatuses }, AND: [readable] }, orderBy: { updatedAt: "desc" }, take });
}

/** How many incidents are in each status. */
export async function countIncidentsByStatus(
  db: DbOrTx,
  readable: Prisma.IncidentWhereInput = {},
): Promise<Record<string, number>> {
  const groups = await db.incident.groupBy({ by: ["status"], where: readable, _count: { _all: true } });
  return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
}

/** The incident's newest decision (whether it is notifiable), as the lifecycle reads it, or null. */
export function findLatestDecisionOf(db: DbOrTx, incidentId: string) {
  return db.decision.findFirst({ where: { incidentId }, orderBy: { recordedAt: "desc" }, select: { isNotifiable: true } });
}

/** Every incident of a year (its reference's) and a status, or all of them, the newest reference first. */
export function listIncidentsOfYearAndStatus(
  db: DbOrTx,
  filter: { year?: number; status?: string },
  readable: Prisma.IncidentWhereInput = {},
) {
  return db.incident.findMany({
    where: {
      ...(filter.year ? { year: filter.year } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      AND: [readable],
    },
    orderBy: [{ year: "desc" }, { number: "desc" }],
  });
}

/** The years of the incidents' references, the newest first. */
export async function listReferenceYears(db: DbOrTx, readable: Prisma.IncidentWhereInput = {}): Promise<number[]> {
  const rows = await db.incident.findMany({
    where: readable,
    distinct: ["year"],
    select: { year: true },
    orderBy: { year: "desc" },
  });
  return rows.map((r) => r.year);
}
