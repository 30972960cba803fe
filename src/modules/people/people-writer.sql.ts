import type { Database } from "../../db/client.js";
import type { PeopleWriter, PersonUpsertCounts, PersonUpsertRow, UpsertPeopleOptions } from "./people-bulk.sql.js";
import { PostgresPeopleWriter } from "./people-writer.postgresql.sql.js";
import { SqlitePeopleWriter } from "./people-writer.sqlite.sql.js";

/**
 * A writer of people for the database, straight through the driver on a connection of its own
 * (see SqlitePeopleWriter and PostgresPeopleWriter); close it when the import ends.
 */
export async function openPeopleWriter(db: Database): Promise<PeopleWriter> {
  return db.kind === "sqlite" ? SqlitePeopleWriter.open(db) : PostgresPeopleWriter.open(db);
}

/** Writes one batch of people (see PeopleWriter.upsert) with a writer of its own. */
export async function upsertPeople(
  db: Database,
  rows: PersonUpsertRow[],
  now: Date,
  options: UpsertPeopleOptions = {},
): Promise<PersonUpsertCounts> {
  const writer = await openPeopleWriter(db);
  try {
    return await writer.upsert(rows, now, options);
  } finally {
    await writer.close();
  }
}
