import type { Database, DbOrTx } from "../../db/client.js";
import { sqliteInstant } from "../../db/values.js";
import { Prisma } from "../../generated/sqlite/client.js";
import { containsPattern } from "../../lib/like-pattern.js";

/**
 * The ledger's reads and writes by person rather than by delivery: whether each affected person
 * was told (by e-mail or another way), who still has to be told another way and why, and the
 * record of people told another way (told_another_way, one row a person). The same SQL serves
 * both databases; every fragment reads the person row as `p`.
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
const REASON = Prisma.sql`CASE WHEN p."email_normalized" IS NULL THEN (CASE WHEN ${MALFORMED} THEN 'invalid_email' ELSE 'no_email' END)
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

function tellWhere(filter: TellFilter): Prisma.Sql {
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
 * An instant as a value of a SELECT list: PostgreSQL types a bare parameter there as text, which
 * a timestamp column refuses, so it is cast; SQLite takes its stored text shape as it is.
 */
function instantValue(database: Database, at: Date): Prisma.Sql {
  return database.kind === "sqlite" ? Prisma.sql`${sqliteInstant(at)}` : Prisma.sql`CAST(${at} AS TIMESTAMP(3))`;
}

/** One recording of people told another way: the same facts for everyone it names. */
export interface ToldRecording {
  recordingId: string;
  channel: string;
  toldAt: Date;
  toldZone: string;
  note: string;
  source: "form" | "csv" | "api";
  recordedById: string | null;
  recordedAt: Date;
}

/**
 * Records the people the filter matches as told another way, in one INSERT ... SELECT (row
 * locks on the new rows only; the person rows are read); returns how many.
 */
export async function insertToldForFilter(database: Database, tx: DbOrTx, filter: TellFilter, r: ToldRecording): Promise<number> {
  const at = (d: Date) => instantValue(database, d);
  return tx.$executeRaw(Prisma.sql`INSERT INTO "told_another_way" ("incident_id", "person_id", "full_name", "channel", "told_at",
      "told_zone", "note", "reason", "source", "recording_id", "recorded_by_id", "recorded_at")
    SELECT p."incident_id", p."id", TRIM(p."given_name" || ' ' || p."family_name"), ${r.channel}, ${at(r.toldAt)}, ${r.toldZone},
      ${r.note}, ${REASON}, ${r.source}, ${r.recordingId}, ${r.recordedById}, ${at(r.recordedAt)}
    FROM "person" p WHERE ${tellWhere(filter)}`);
}

/** One line of a file of letters sent, resolved to its person. */
export interface ToldRow {
  personId: string;
  channel: string;
  toldAt: Date;
  toldZone: string;
  note: string;
}

/**
 * Records these people (of the incident, not yet told another way) as told, each with their own
 * channel, instant and note, with the reason their list gave; returns how many.
 */
export async function insertToldRows(database: Database, tx: DbOrTx, incidentId: string, rows: ToldRow[], r: ToldRecording) {
  const at = (d: Date) => instantValue(database, d);
  let inserted = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows
      .slice(i, i + 500)
      .map((row) => Prisma.sql`(${row.personId}, ${row.channel}, ${at(row.toldAt)}, ${row.toldZone}, ${row.note})`);
    // The values joined to their people: the person's name and reason come from their row.
    inserted +=
      await tx.$executeRaw(Prisma.sql`INSERT INTO "told_another_way" ("incident_id", "person_id", "full_name", "channel",
        "told_at", "told_zone", "note", "reason", "source", "recording_id", "recorded_by_id", "recorded_at")
      SELECT p."incident_id", p."id", TRIM(p."given_name" || ' ' || p."family_name"), v."channel", v."told_at", v."told_zone", v."note",
        ${REASON}, ${r.source}, ${r.recordingId}, ${r.recordedById}, ${at(r.recordedAt)}
      FROM (${valuesTable(database, values)}) v JOIN "person" p ON p."id" = v."person_id"
      WHERE p."incident_id" = ${incidentId} AND NOT EXISTS (SELECT 1 FROM "told_another_way" t WHERE t."incident_id" = p."incident_id" AND t."person_id" = p."id")`);
  }
  return inserted;
}

/** A VALUES list as a table with named columns, in each database's spelling. */
function valuesTable(database: Database, rows: Prisma.Sql[]): Prisma.Sql {
  const names = Prisma.raw(`"person_id", "channel", "told_at", "told_zone", "note"`);
  if (database.kind === "sqlite") {
    // SQLite names VALUES columns column1..n: rename them in a sub-select.
    return Prisma.sql`SELECT "column1" AS "person_id", "column2" AS "channel", "column3" AS "told_at", "column4" AS "told_zone",
      "column5" AS "note" FROM (VALUES ${Prisma.join(rows)})`;
  }
  return Prisma.sql`SELECT * FROM (VALUES ${Prisma.join(rows)}) AS x (${names})`;
}

/**
 * The deliveries of a recording's people that still needed another channel become "told
 * otherwise" with the person's channel, instant and note (row locks on those deliveries);
 * returns how many.
 */
export function markDeliveriesTold(tx: DbOrTx, database: Database, incidentId: string, recordingId: string, now: Date) {
  const of = (column: string) =>
    Prisma.sql`(SELECT t.${Prisma.raw(`"${column}"`)} FROM "told_another_way" t WHERE t."incident_id" = "delivery"."incident_id" AND t."person_id" = "delivery"."person_id")`;
  return tx.$executeRaw(Prisma.sql`UPDATE "delivery" SET "status" = 'told_otherwise', "channel" = ${of("channel")},
      "told_at" = ${of("told_at")}, "told_note" = ${of("note")}, "updated_at" = ${instantValue(database, now)}
    WHERE "incident_id" = ${incidentId} AND "status" IN ('failed', 'bounced', 'excluded')
      AND "person_id" IN (SELECT t."person_id" FROM "told_another_way" t WHERE t."recording_id" = ${recordingId})`);
}

/** The people of an incident named by id, delivery, external id or address, for a file's lines. */
export async function findPeopleByKeys(
  db: DbOrTx,
  incidentId: string,
  keys: { personIds: string[]; deliveryIds: string[]; externalIds: string[]; emails: string[] },
) {
  const select = { id: true, externalId: true, emailNormalized: true } as const;
  const [byId, deliveries, byExternal, byEmail] = await Promise.all([
    keys.personIds.length ? db.person.findMany({ where: { incidentId, id: { in: keys.personIds } }, select }) : [],
    keys.deliveryIds.length
      ? db.delivery.findMany({ where: { incidentId, id: { in: keys.deliveryIds } }, select: { id: true, personId: true } })
      : [],
    keys.externalIds.length ? db.person.findMany({ where: { incidentId, externalId: { in: keys.externalIds } }, select }) : [],
    keys.emails.length ? db.person.findMany({ where: { incidentId, emailNormalized: { in: keys.emails } }, select }) : [],
  ]);
  return { byId, deliveries, byExternal, byEmail };
}

/** Of these people, those already recorded as told another way, with when. */
export function findToldAlready(db: DbOrTx, incidentId: string, personIds: string[]) {
  return db.toldAnotherWay.findMany({
    where: { incidentId, personId: { in: personIds } },
    select: { personId: true, toldAt: true, channel: true },
  });
}

/** Of these people, those whose person row still exists (a deleted person's delivery names a gone id). */
export async function existingPeople(db: DbOrTx, incidentId: string, personIds: string[]): Promise<Set<string>> {
  const rows = await db.person.findMany({ where: { incidentId, id: { in: personIds } }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}
