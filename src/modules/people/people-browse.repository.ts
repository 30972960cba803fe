import type { DbOrTx } from "../../db/client.js";
import { type Person, Prisma } from "../../generated/sqlite/client.js";
import { containsPattern } from "../../lib/like-pattern.js";
import type { ValueWarning } from "./person-warnings.policy.js";

/**
 * The queries of the people pages and the API's people list, written for an incident of a
 * million people: every list is a keyset page on the (incident_id, unique_key) index, counts
 * are GROUP BY on covering indexes where one exists, and no query brings more than a page of
 * people into memory. The SQL is the same on SQLite and PostgreSQL (quoted identifiers, LIKE
 * with an explicit ESCAPE, LOWER); every statement here only reads, except the two deletes.
 * Measured at 1,000,000 people (bench/people-pages.ts, both databases): a page, first or 90%
 * deep, 5 to 50 ms; the summary 1 to 1.5 s on SQLite and about 0.8 s on PostgreSQL, most of
 * it the at-risk and category scan (see summarizePeople); a search that matches few people 1
 * to 2 s, as it reads every person of the incident.
 */

export type { Person };

/** The filters, resolved against the incident: an import id that is the incident's, a category it records. */
export interface PeopleFilter {
  q?: string;
  /** An ISO 3166-1 code, or "none" for people without a country. */
  country?: string;
  /** A region as stored (ISO 3166-2 where known), or "none". */
  region?: string;
  category?: string;
  atRisk?: "yes" | "no" | "unknown";
  hasEmail?: "yes" | "no";
  /** People the import kept with this warning (a value it could not use), or with any. */
  warning?: ValueWarning | "any";
  importId?: string;
}

/** The WHERE clause of a people query of one incident. */
function peopleWhere(incidentId: string, filter: PeopleFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`"incident_id" = ${incidentId}`];
  if (filter.country === "none") parts.push(Prisma.sql`"country" IS NULL`);
  else if (filter.country) parts.push(Prisma.sql`"country" = ${filter.country}`);
  if (filter.region === "none") parts.push(Prisma.sql`"region" IS NULL`);
  else if (filter.region) parts.push(Prisma.sql`"region" = ${filter.region}`);
  if (filter.category) {
    // category_ids is a JSON array of ids; null means every category of the incident.
    const element = containsPattern(JSON.stringify(filter.category));
    parts.push(Prisma.sql`("category_ids" IS NULL OR "category_ids" LIKE ${element} ESCAPE '\\')`);
  }
  if (filter.atRisk === "yes") parts.push(Prisma.sql`"is_at_risk" = ${true}`);
  else if (filter.atRisk === "no") parts.push(Prisma.sql`"is_at_risk" = ${false}`);
  else if (filter.atRisk === "unknown") parts.push(Prisma.sql`"is_at_risk" IS NULL`);
  if (filter.hasEmail === "yes") parts.push(Prisma.sql`"email_normalized" IS NOT NULL`);
  else if (filter.hasEmail === "no") parts.push(Prisma.sql`"email_normalized" IS NULL`);
  if (filter.warning === "any") parts.push(Prisma.sql`"warnings" <> '{}'`);
  else if (filter.warning) {
    // A quoted key is only ever a key: JSON escapes every quote inside a value.
    parts.push(Prisma.sql`"warnings" LIKE ${containsPattern(JSON.stringify(filter.warning))} ESCAPE '\\'`);
  }
  if (filter.importId) parts.push(Prisma.sql`"import_id" = ${filter.importId}`);
  if (filter.q) {
    // LOWER on both sides: Prisma's `contains` is case-sensitive on PostgreSQL. SQLite's LOWER
    // folds A to Z only, so there a non-ASCII capital matches only as typed.
    const pattern = containsPattern(filter.q.toLowerCase());
    parts.push(Prisma.sql`(LOWER("given_name" || ' ' || "family_name") LIKE ${pattern} ESCAPE '\\'
      OR "email_normalized" LIKE ${pattern} ESCAPE '\\'
      OR LOWER(COALESCE("external_id", '')) LIKE ${pattern} ESCAPE '\\')`);
  }
  return Prisma.join(parts, " AND ");
}

export interface PeoplePageRequest {
  /** The unique key of the person the page starts after. */
  afterKey?: string;
  /** The unique key of the person the page ends before (a "previous" page). */
  beforeKey?: string;
  take: number;
}

/**
 * One page of the incident's people matching the filter, in unique-key order (external id,
 * else e-mail address), read as a keyset page: the cost does not grow with how deep the page is.
 */
export async function listPeoplePage(db: DbOrTx, incidentId: string, filter: PeopleFilter, page: PeoplePageRequest) {
  const where = peopleWhere(incidentId, filter);
  const isBackwards = page.beforeKey !== undefined;
  const seek = isBackwards
    ? Prisma.sql` AND "unique_key" < ${page.beforeKey}`
    : page.afterKey !== undefined
      ? Prisma.sql` AND "unique_key" > ${page.afterKey}`
      : Prisma.empty;
  const order = isBackwards ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  // Reads ids only; the rows come through Prisma below, typed, for at most `take` ids.
  const rows = await db.$queryRaw<{ id: string }[]>(
    Prisma.sql`SELECT "id" FROM "person" WHERE ${where}${seek} ORDER BY "unique_key" ${order} LIMIT ${page.take}`,
  );
  if (rows.length === 0) return [];
  const byId = new Map((await db.person.findMany({ where: { id: { in: rows.map((r) => r.id) } } })).map((p) => [p.id, p]));
  // In the database's order (its collation decides), so the first and last are the page's cursors.
  const people = rows.map((r) => byId.get(r.id)).filter((p): p is Person => p !== undefined);
  return isBackwards ? people.reverse() : people;
}

/**
 * How many of the incident's people match the filter, counting no further than `cap`: the
 * count stops at cap + 1 rows, so a broad filter on a million people costs what `cap` rows do.
 */
export async function countPeopleUpTo(
  db: DbOrTx,
  incidentId: string,
  filter: PeopleFilter,
  cap: number,
): Promise<{ count: number; isExact: boolean }> {
  const rows = await db.$queryRaw<{ n: number | bigint }[]>(
    Prisma.sql`SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "person" WHERE ${peopleWhere(incidentId, filter)} LIMIT ${cap + 1}) AS "matching"`,
  );
  const count = Number(rows[0]?.n ?? 0);
  return count > cap ? { count: cap, isExact: false } : { count, isExact: true };
}

export interface PeopleSummaryCounts {
  total: number;
  withEmail: number;
  /** isAtRisk (true, false, null) and categoryIds (JSON text or null) with how many people have both. */
  riskAndCategories: { isAtRisk: boolean | null; categoryIds: string | null; count: number }[];
  countries: { country: string | null; count: number }[];
  /** The most common country and region pairs, most people first. */
  places: { country: string | null; region: string | null; count: number }[];
}

/** How many places the summary lists; regions are free text where no ISO code was given. */
export const SUMMARY_PLACES = 50;

/**
 * The counts of an incident's people, each a GROUP BY or COUNT in one statement. Country and
 * region read the (incident_id, country, region) index alone, e-mail the (incident_id,
 * email_normalized) index; at risk and data categories read the table (about 1 s of the
 * summary's time on SQLite at a million people), until an index on (incident_id, is_at_risk,
 * category_ids) covers them.
 */
export async function summarizePeople(db: DbOrTx, incidentId: string): Promise<PeopleSummaryCounts> {
  const riskAndCategories = await db.$queryRaw<{ is_at_risk: unknown; category_ids: string | null; n: number | bigint }[]>(
    Prisma.sql`SELECT "is_at_risk", "category_ids", COUNT(*) AS "n" FROM "person"
      WHERE "incident_id" = ${incidentId} GROUP BY "is_at_risk", "category_ids"`,
  );
  const withEmail = await db.$queryRaw<{ n: number | bigint }[]>(
    Prisma.sql`SELECT COUNT(*) AS "n" FROM "person" WHERE "incident_id" = ${incidentId} AND "email_normalized" IS NOT NULL`,
  );
  const countries = await db.$queryRaw<{ country: string | null; n: number | bigint }[]>(
    Prisma.sql`SELECT "country", COUNT(*) AS "n" FROM "person" WHERE "incident_id" = ${incidentId}
      GROUP BY "country" ORDER BY COUNT(*) DESC, "country"`,
  );
  const places = await db.$queryRaw<{ country: string | null; region: string | null; n: number | bigint }[]>(
    Prisma.sql`SELECT "country", "region", COUNT(*) AS "n" FROM "person" WHERE "incident_id" = ${incidentId}
      GROUP BY "country", "region" ORDER BY COUNT(*) DESC, "country", "region" LIMIT ${SUMMARY_PLACES}`,
  );
  const groups = riskAndCategories.map((g) => ({
    isAtRisk: g.is_at_risk === null ? null : g.is_at_risk === true || Number(g.is_at_risk) === 1,
    categoryIds: g.category_ids,
    count: Number(g.n),
  }));
  return {
    total: groups.reduce((sum, g) => sum + g.count, 0),
    withEmail: Number(withEmail[0]?.n ?? 0),
    riskAndCategories: groups,
    countries: countries.map((c) => ({ country: c.country, count: Number(c.n) })),
    places: places.map((p) => ({ country: p.country, region: p.region, count: Number(p.n) })),
  };
}

/**
 * A mark that moves whenever an import writes the incident's people: how many imports it has
 * and the latest instant one was updated (an import's people and its counts commit together).
 * One read of the (incident_id, created_at) index and the incident's few import rows.
 */
export async function readPeopleChangeMark(db: DbOrTx, incidentId: string): Promise<string> {
  const rows = await db.$queryRaw<{ n: number | bigint; at: unknown }[]>(
    Prisma.sql`SELECT COUNT(*) AS "n", MAX("updated_at") AS "at" FROM "person_import" WHERE "incident_id" = ${incidentId}`,
  );
  const at = rows[0]?.at;
  return `${Number(rows[0]?.n ?? 0)}/${at instanceof Date ? at.toISOString() : String(at ?? "")}`;
}

/** How many people the incident has (the (incident_id, ...) indexes alone: about 0.1 s at a million). */
export async function countIncidentPeople(db: DbOrTx, incidentId: string): Promise<number> {
  const rows = await db.$queryRaw<{ n: number | bigint }[]>(
    Prisma.sql`SELECT COUNT(*) AS "n" FROM "person" WHERE "incident_id" = ${incidentId}`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * How many people an import last wrote. Only import_id is named: an import's people are all of
 * its incident, and SQLite without statistics would pick the (incident_id, unique_key) index
 * when both are given (measured: 0.7 s instead of 0.04 s for 500,000 people).
 */
export async function countPeopleOfImport(db: DbOrTx, importId: string): Promise<number> {
  const rows = await db.$queryRaw<{ n: number | bigint }[]>(
    Prisma.sql`SELECT COUNT(*) AS "n" FROM "person" WHERE "import_id" = ${importId}`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** One person of the incident, or null. */
export function findPersonOfIncident(db: DbOrTx, incidentId: string, personId: string) {
  return db.person.findFirst({ where: { id: personId, incidentId } });
}

/** Deletes one person; false when they were gone already. */
export async function deletePersonRow(db: DbOrTx, personId: string): Promise<boolean> {
  const { count } = await db.person.deleteMany({ where: { id: personId } });
  return count === 1;
}

/**
 * Deletes at most `limit` of the people an import last wrote, in one statement that is its own
 * transaction, and says how many. On SQLite it holds the write lock for that statement only
 * (measured about 0.3 s for 2,000 rows at a million); on PostgreSQL it locks only those rows.
 * The ids are chosen by the database: none travel to the app.
 */
export function deletePeopleBatchOfImport(db: DbOrTx, importId: string, limit: number): Promise<number> {
  return db.$executeRaw(
    Prisma.sql`DELETE FROM "person" WHERE "id" IN (SELECT "id" FROM "person" WHERE "import_id" = ${importId} LIMIT ${limit})`,
  );
}
