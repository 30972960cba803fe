import type { Database, DbOrTx } from "../../db/client.js";
import { sqliteInstant } from "../../db/values.js";
import { Prisma } from "../../generated/sqlite/client.js";
import { REASON, type TellFilter, tellWhere } from "./ledger-people.repository.js";

/**
 * The writes of a recording of people told another way (told_another_way, one row a person, and
 * the deliveries it settles), and the look-ups of a file of letters. A recording names only
 * people the list's condition (tellWhere) still holds for, or, from a file, people not yet told.
 */

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

/**
 * The people of a recording told by public statement point at the public report's version they
 * were told by (row locks on those told_another_way rows); returns how many.
 */
export function linkToldToPublicReport(tx: DbOrTx, recordingId: string, versionId: string) {
  return tx.toldAnotherWay.updateMany({
    where: { recordingId, channel: "public_statement" },
    data: { publicReportVersionId: versionId },
  });
}

/** The people of an incident told by public statement, counted by the public report version they were told by (null: none published then). */
export function countToldByPublicStatement(db: DbOrTx, incidentId: string) {
  return db.toldAnotherWay.groupBy({
    by: ["publicReportVersionId"],
    where: { incidentId, channel: "public_statement" },
    _count: { _all: true },
  });
}
