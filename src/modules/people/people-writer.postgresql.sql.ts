import pg from "pg";
import type { Database } from "../../db/client.js";
import {
  checkpointArgs,
  checkpointSql,
  ImportCheckpointRefused,
  PERSON_COLUMNS,
  type PeopleWriter,
  type PersonUpsertCounts,
  type PersonUpsertRow,
  personConflictClause,
  personValues,
  type UpsertPeopleOptions,
} from "./people-bulk.sql.js";

/**
 * The PostgreSQL writer: its own connection (pg), one statement per batch. The batch travels as
 * ONE JSON text parameter unpacked by the database (json_array_elements): measured in
 * bench/import.ts, binding 18 parameters a row cost more than PostgreSQL spends parsing JSON.
 * Through Prisma the same statements were slower, and Prisma 6.19 keeps its last 100 queries
 * with their parameters (the debug history of @prisma/debug): tens of MB for batches of people.
 * Both connections writing at once is safe here: PostgreSQL locks rows, not the database.
 */
export class PostgresPeopleWriter implements PeopleWriter {
  private constructor(private readonly client: pg.Client) {}

  static async open(db: Database): Promise<PostgresPeopleWriter> {
    const client = new pg.Client({ connectionString: db.url });
    // A connection that drops between batches fails the next query; the event alone must not crash the process.
    client.on("error", () => {});
    await client.connect();
    return new PostgresPeopleWriter(client);
  }

  async upsert(rows: PersonUpsertRow[], now: Date, options: UpsertPeopleOptions = {}): Promise<PersonUpsertCounts> {
    // timestamp(3) columns hold UTC without a zone: the text form, so no local offset is applied.
    const at = now.toISOString().replace("Z", "");
    const counts = { created: 0, updated: 0, repeated: 0 };
    await this.client.query("BEGIN");
    try {
      if (rows.length) {
        const result = await this.client.query<{ existing: number; repeated: number }>(POSTGRES_UPSERT_PEOPLE, [
          at,
          JSON.stringify(rows.map((r) => personValues(r))),
          rows[0]!.importId,
        ]);
        const { existing, repeated } = result.rows[0]!;
        Object.assign(counts, { created: rows.length - existing, updated: existing - repeated, repeated });
      }
      if (options.checkpoint) {
        const checkpoint = options.checkpoint(counts);
        const args = checkpointArgs(checkpoint, at).map((v) => (typeof v === "bigint" ? v.toString() : v));
        const changed = await this.client.query(checkpointSql("postgresql"), args);
        if (changed.rowCount !== 1) throw new ImportCheckpointRefused(checkpoint.importId);
      }
      await this.client.query("COMMIT");
      return counts;
    } catch (error) {
      await this.client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}

/**
 * The batch in one statement ($1 the instant, $2 the rows as JSON, $3 the import). Every part
 * of a WITH sees the table as it was before the statement, so "previous" reads which keys
 * existed and which import last wrote them while "written" inserts the people and merges the
 * existing ones (row locks on the changed rows and unique-index entries until commit).
 */
const POSTGRES_UPSERT_PEOPLE = `
  WITH input AS (
    SELECT ${PERSON_COLUMNS.map(([column, type], i) => `(j ->> ${i})::${type} AS "${column}"`).join(", ")}
    FROM json_array_elements($2::json) AS j
  ), previous AS (
    SELECT p."import_id" FROM "person" p JOIN input i ON p."incident_id" = i."incident_id" AND p."unique_key" = i."unique_key"
  ), written AS (
    INSERT INTO "person" (${[...PERSON_COLUMNS.map(([c]) => `"${c}"`), `"created_at"`, `"updated_at"`].join(", ")})
    SELECT input.*, $1::timestamp(3), $1::timestamp(3) FROM input
    ${personConflictClause("postgresql")}
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM written)::int AS "written", (SELECT count(*) FROM previous)::int AS "existing",
    (SELECT count(*) FROM previous WHERE "import_id" = $3)::int AS "repeated"`;
