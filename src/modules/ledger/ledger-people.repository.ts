import type { DbOrTx } from "../../db/client.js";
import { Prisma } from "../../generated/sqlite/client.js";
import { containsPattern } from "../../lib/like-pattern.js";

/**
 * The ledger's reads by person rather than by delivery: whether each affected person was told (by
 * e-mail or another way) and who still has to be told another way, and why. The same SQL serves
 * both databases; every fragment reads the person row as `p`. The writes of a recording, which
 * use the same condition, are in ledger-told.repository.ts.
 */

/**
 * One of the person's deliveries has one of these statuses, read from the index (incident_id,
 * person_id, status) alone. The status is compared as an expression (`|| ''`) so that no index
 * can serve it on its own: SQLite without planner statistics would otherwise pick (incident_id,
 * status) and read every delivery of that status for each person (measured: 67 s for 20,000
 * people; 0.27 s for 200,000 with the covering index).
 */
const hasDelivery = (statuses: string[]) =>
  Prisma.sql`EXISTS (SELECT 1 FROM "delivery" d WHERE d."incident_id" = p."incident_id" AND d."person_id" = p."id"
    AND (d."status" || '') IN (${Prisma.join(statuses)}))`;

/** Their notice was delivered by e-mail (and did not bounce since). */
const SENT = hasDelivery(["sent"]);
/** Recorded as told another way: on their own row, or on a delivery (recorded before that row existed). */
const TOLD = Prisma.sql`(EXISTS (SELECT 1 FROM "told_another_way" t WHERE t."incident_id" = p."incident_id" AND t."person_id" = p."id")
  OR ${hasDelivery(["told_otherwise"])})`;
/** A notice of theirs is queued or being sent. */
const PENDING = hasDelivery(["queued", "sending"]);
/** A notice of theirs failed, bounced or was not e-mailed. */
const UNREACHED = hasDelivery(["failed", "bounced", "excluded"]);
/** Their address bounced hard in this incident: its campaigns do not e-mail it. */
const SUPPRESSED = Prisma.sql`EXISTS (SELECT 1 FROM "bounced_address" b WHERE b."incident_id" = p."incident_id" AND b."email_normalized" = p."email_normalized")`;
/** The import kept a malformed address as a warning (the person has no usable e-mail). */
const MALFORMED = Prisma.sql`p."warnings" LIKE '%"invalid_email"%'`;
/** E-mail cannot reach them: no usable address, a suppressed one, or a notice that did not get through. */
const UNREACHABLE = Prisma.sql`(p."email_normalized" IS NULL OR ${SUPPRESSED} OR ${UNREACHED})`;

/**
 * Not told, and e-mail cannot reach them. Someone with a notice still queued or being sent (a
 * retry) is not listed while it is.
 */
const NEEDS_ANOTHER_WAY = Prisma.sql`NOT ${SENT} AND NOT ${TOLD} AND NOT ${PENDING} AND ${UNREACHABLE}`;

/** Why they could not be e-mailed, as a code (the reasons' words are the page's). */
export const REASON = Prisma.sql`CASE WHEN p."email_normalized" IS NULL THEN (CASE WHEN ${MALFORMED} THEN 'invalid_email' ELSE 'no_email' END)
  WHEN ${hasDelivery(["bounced"])} THEN 'bounced' WHEN ${SUPPRESSED} THEN 'suppressed' WHEN ${hasDelivery(["failed"])} THEN 'failed'
  ELSE 'excluded' END`;

/** Reasons the list filters on. */
export const TELL_REASONS = ["no_email", "invalid_email", "bounced", "failed"] as const;
export type TellReason = (typeof TELL_REASONS)[number];

/** The filter of the people to tell another way (all must hold). */
export interface TellFilter {
  incidentId: string;
  reason?: TellReason;
  country?: string;
  region?: string;
  campaignId?: string;
  /** Part of a name, an address's start, or an external id. */
  q?: string;
  /** Only these people (ticked on the page or named by the API). */
  personIds?: string[];
}

export function tellWhere(filter: TellFilter): Prisma.Sql {
  const parts = [Prisma.sql`p."incident_id" = ${filter.incidentId}`, NEEDS_ANOTHER_WAY];
  if (filter.reason === "no_email") parts.push(Prisma.sql`p."email_normalized" IS NULL AND NOT ${MALFORMED}`);
  else if (filter.reason === "invalid_email") parts.push(Prisma.sql`p."email_normalized" IS NULL AND ${MALFORMED}`);
  else if (filter.reason === "bounced") parts.push(Prisma.sql`(${hasDelivery(["bounced"])} OR ${SUPPRESSED})`);
  else if (filter.reason === "failed") parts.push(Prisma.sql`${hasDelivery(["failed"])} AND NOT ${SUPPRESSED}`);
  if (filter.country) parts.push(Prisma.sql`p."country" = ${filter.country}`);
  if (filter.region) parts.push(Prisma.sql`p."region" = ${filter.region}`);
  if (filter.campaignId) {
    parts.push(
      Prisma.sql`EXISTS (SELECT 1 FROM "delivery" d WHERE d."incident_id" = p."incident_id" AND d."person_id" = p."id" AND d."campaign_id" = ${filter.campaignId})`,
    );
  }
  if (filter.q) {
    const q = filter.q.trim().toLowerCase();
    parts.push(Prisma.sql`(LOWER(p."given_name" || ' ' || p."family_name") LIKE ${containsPattern(q)} ESCAPE '\\'
      OR p."email_normalized" LIKE ${containsPattern(q).slice(1)} ESCAPE '\\' OR p."external_id" = ${filter.q.trim()})`);
  }
  if (filter.personIds)
    parts.push(filter.personIds.length ? Prisma.sql`p."id" IN (${Prisma.join(filter.personIds)})` : Prisma.sql`1 = 0`);
  return Prisma.join(parts, " AND ");
}

/** A page of the people to tell another way in unique-key order, after the person with this key. */
export async function listPeopleToTell(db: DbOrTx, filter: TellFilter, afterKey: string | null, take: number) {
  const after = afterKey === null ? Prisma.empty : Prisma.sql` AND p."unique_key" > ${afterKey}`;
  const ids = await db.$queryRaw<{ id: string }[]>(
    Prisma.sql`SELECT p."id" FROM "person" p WHERE ${tellWhere(filter)}${after} ORDER BY p."unique_key" LIMIT ${take}`,
  );
  if (ids.length === 0) return [];
  const people = await db.person.findMany({ where: { id: { in: ids.map((r) => r.id) } }, select: tellPersonSelect });
  const byId = new Map(people.map((p) => [p.id, p]));
  return ids.map((r) => byId.get(r.id)).filter((p): p is TellPerson => p !== undefined);
}

export const tellPersonSelect = {
  id: true,
  uniqueKey: true,
  givenName: true,
  familyName: true,
  email: true,
  emailNormalized: true,
  externalId: true,
  country: true,
  region: true,
  postalAddress: true,
  city: true,
  postcode: true,
  warnings: true,
} satisfies Prisma.PersonSelect;
export type TellPerson = Prisma.PersonGetPayload<{ select: typeof tellPersonSelect }>;

/** How many people the filter matches. */
export async function countPeopleToTell(db: DbOrTx, filter: TellFilter): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint | number }[]>(
    Prisma.sql`SELECT COUNT(*) AS "n" FROM "person" p WHERE ${tellWhere(filter)}`,
  );
  return Number(row?.n ?? 0);
}

/** The unique key of a person of the incident (a page link carries the id, never personal data). */
export async function findUniqueKey(db: DbOrTx, incidentId: string, personId: string): Promise<string | null> {
  const person = await db.person.findFirst({ where: { incidentId, id: personId }, select: { uniqueKey: true } });
  return person?.uniqueKey ?? null;
}

/** Each person's latest delivery (queue order), for the reasons on a page. */
export async function latestDeliveriesOf(db: DbOrTx, incidentId: string, personIds: string[]) {
  if (personIds.length === 0) return new Map();
  const rows = await db.delivery.findMany({
    where: { incidentId, personId: { in: personIds } },
    select: {
      id: true,
      personId: true,
      campaignId: true,
      status: true,
      smtpCode: true,
      smtpResponse: true,
      exclusionReason: true,
      failedAt: true,
      templateVersionId: true,
      language: true,
      queuedAt: true,
    },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
  });
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!latest.has(r.personId)) latest.set(r.personId, r);
  return latest;
}

/** Who the coverage counts: all of the incident's people, or those at risk, or of some places. */
export interface CoverageScope {
  atRiskOnly?: boolean;
  /** Country codes (AU) or subdivision codes (AU-NSW): a person in any of them. */
  places?: string[];
}

/** The incident's people by where they stand: told by e-mail or another way, being sent, to tell, not addressed. */
export async function countCoverageStates(db: DbOrTx, incidentId: string, scope: CoverageScope = {}) {
  const parts = [Prisma.sql`p."incident_id" = ${incidentId}`];
  if (scope.atRiskOnly) parts.push(Prisma.sql`p."is_at_risk" = ${true}`);
  const countries = (scope.places ?? []).filter((x) => x.length === 2);
  const regions = (scope.places ?? []).filter((x) => x.length > 2);
  if (countries.length || regions.length) {
    const inPlace: Prisma.Sql[] = [];
    if (countries.length) inPlace.push(Prisma.sql`p."country" IN (${Prisma.join(countries)})`);
    if (regions.length) inPlace.push(Prisma.sql`p."region" IN (${Prisma.join(regions)})`);
    parts.push(Prisma.sql`(${Prisma.join(inPlace, " OR ")})`);
  }
  const rows = await db.$queryRaw<{ state: string; n: bigint | number }[]>(
    Prisma.sql`SELECT "state", COUNT(*) AS "n" FROM (SELECT CASE WHEN ${SENT} THEN 'email' WHEN ${TOLD} THEN 'another_way'
      WHEN ${PENDING} THEN 'being_sent' WHEN ${UNREACHABLE} THEN 'to_tell'
      ELSE 'not_addressed' END AS "state" FROM "person" p WHERE ${Prisma.join(parts, " AND ")}) s GROUP BY "state"`,
  );
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)])) as Partial<Record<string, number>>;
}

/**
 * countCoverageStates for several incidents in one statement (the breach register), by incident:
 * the same states, counted for every person of those incidents (no scope). Reads only.
 */
export async function countCoverageStatesOf(db: DbOrTx, incidentIds: string[]) {
  const rows = await db.$queryRaw<{ incident_id: string; state: string; n: bigint | number }[]>(
    Prisma.sql`SELECT "incident_id", "state", COUNT(*) AS "n" FROM (SELECT p."incident_id", CASE WHEN ${SENT} THEN 'email'
      WHEN ${TOLD} THEN 'another_way' WHEN ${PENDING} THEN 'being_sent' WHEN ${UNREACHABLE} THEN 'to_tell'
      ELSE 'not_addressed' END AS "state" FROM "person" p WHERE p."incident_id" IN (${Prisma.join(incidentIds)})) s
      GROUP BY "incident_id", "state"`,
  );
  const byIncident = new Map<string, Partial<Record<string, number>>>();
  for (const r of rows) {
    const states = byIncident.get(r.incident_id) ?? {};
    states[r.state] = Number(r.n);
    byIncident.set(r.incident_id, states);
  }
  return byIncident;
}
