import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { DatabaseKind } from "../../config/config.js";
import type { Database } from "../client.js";
import { sqliteInstant } from "./values.js";

// The people import's bulk path (modules/people): people merged by unique key in batches,
// straight through the drivers, with the import's checkpoint in the same transaction.

/** One person to insert or merge, with every column the import writes. */
export interface PersonUpsertRow {
  id: string;
  incidentId: string;
  uniqueKey: string;
  externalId: string | null;
  givenName: string;
  familyName: string;
  email: string | null;
  emailNormalized: string | null;
  phone: string | null;
  postalAddress: string | null;
  country: string | null;
  region: string | null;
  language: string | null;
  isAtRisk: boolean | null;
  /** JSON object text */
  attributes: string;
  importId: string;
}

/** What one upsert batch did, row by row. */
export interface PersonUpsertCounts {
  created: number;
  /** Existing people last written by another import (or by hand). */
  updated: number;
  /** Existing people this same import wrote earlier: duplicates inside the file. */
  repeated: number;
}

/** Person columns an upsert writes from each row, with their PostgreSQL types; then created_at and updated_at. */
const PERSON_COLUMNS: [string, string][] = [
  ["id", "text"],
  ["incident_id", "text"],
  ["unique_key", "text"],
  ["external_id", "text"],
  ["given_name", "text"],
  ["family_name", "text"],
  ["email", "text"],
  ["email_normalized", "text"],
  ["phone", "text"],
  ["postal_address", "text"],
  ["country", "text"],
  ["region", "text"],
  ["language", "text"],
  ["is_at_risk", "boolean"],
  ["attributes", "text"],
  ["import_id", "text"],
];

/** Columns merged from a later row only when it has a value there. */
const PERSON_KEPT_COLUMNS = [
  "external_id",
  "email",
  "email_normalized",
  "phone",
  "postal_address",
  "country",
  "region",
  "language",
  "is_at_risk",
];

/**
 * The ON CONFLICT clause of the person upsert: a later non-empty value wins, a blank one never
 * erases, attributes are combined (JSON object merge), notes and data categories are kept.
 */
function personConflictClause(kind: DatabaseKind): string {
  const keep = (column: string) => `"${column}" = COALESCE(excluded."${column}", "person"."${column}")`;
  const keepName = (column: string) =>
    `"${column}" = CASE WHEN excluded."${column}" <> '' THEN excluded."${column}" ELSE "person"."${column}" END`;
  const mergeAttributes =
    kind === "sqlite"
      ? `json_patch("person"."attributes", excluded."attributes")`
      : `("person"."attributes"::jsonb || excluded."attributes"::jsonb)::text`;
  return `ON CONFLICT ("incident_id", "unique_key") DO UPDATE SET ${PERSON_KEPT_COLUMNS.map(keep).join(", ")},
    ${keepName("given_name")}, ${keepName("family_name")}, "attributes" = ${mergeAttributes},
    "import_id" = excluded."import_id", "updated_at" = excluded."updated_at"`;
}

/** Where an import stands once a batch is in: written in the batch's own transaction. */
export interface ImportCheckpoint {
  importId: string;
  /** The run writing it: the write holds only while the import is running under this number. */
  runNumber: number;
  rowsRead: number;
  accepted: number;
  created: number;
  updated: number;
  duplicates: number;
  rejected: number;
  /** JSON object text: reason -> count */
  reasons: string;
  lastLine: number;
  bytesRead: number;
}

/**
 * Thrown when a batch's checkpoint finds the import no longer running under the writer's run
 * (cancelled, or taken over by a later run): the batch was rolled back, nothing was written.
 */
export class ImportCheckpointRefused extends Error {
  constructor(importId: string) {
    super(`The import ${importId} is no longer running under this run; the batch was not written.`);
    this.name = "ImportCheckpointRefused";
  }
}

/** The guarded checkpoint UPDATE's SQL, with placeholders in the order of checkpointArgs. */
function checkpointSql(kind: DatabaseKind): string {
  const columns = ["rows_read", "accepted", "created", "updated", "duplicates", "rejected", "reasons", "last_line", "bytes_read"];
  const p = (i: number) => (kind === "sqlite" ? "?" : `$${i}`);
  // Changes one person_import row (row lock on PostgreSQL; under SQLite's write lock) only while
  // it is running under this run number.
  return `UPDATE "person_import" SET ${columns.map((c, i) => `"${c}" = ${p(i + 1)}`).join(", ")}, "updated_at" = ${p(10)}
    WHERE "id" = ${p(11)} AND "run_number" = ${p(12)} AND "status" = 'running'`;
}

function checkpointArgs(c: ImportCheckpoint, at: Date | string): unknown[] {
  const counts = [c.rowsRead, c.accepted, c.created, c.updated, c.duplicates, c.rejected, c.reasons, c.lastLine];
  return [...counts, BigInt(c.bytesRead), at, c.importId, c.runNumber];
}

export interface UpsertPeopleOptions {
  /**
   * The import's checkpoint after this batch, given what the batch did: written in the same
   * transaction, so the people and the counts that describe them commit together.
   */
  checkpoint?(batch: PersonUpsertCounts): ImportCheckpoint;
}

/**
 * Writes batches of people into an incident, or merges each into the existing person with the
 * same unique key; one writer serves a whole import (its prepared statements are reused).
 */
export interface PeopleWriter {
  /**
   * Writes one batch in one transaction of its own (so a later failure leaves this batch
   * committed) and says how many people were created, updated or repeated. Rows must have
   * distinct unique keys and one incident and import. With a checkpoint, the import's counts
   * are written in the same transaction, or ImportCheckpointRefused is thrown and nothing is.
   */
  upsert(rows: PersonUpsertRow[], now: Date, options?: UpsertPeopleOptions): Promise<PersonUpsertCounts>;
  close(): Promise<void>;
}

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

/**
 * The SQLite writer. Measured in bench/import.ts: Prisma's raw queries cost far more per row
 * than SQLite spends, and Prisma 6.19 keeps its last 100 queries with their parameters (the
 * debug history of @prisma/debug), so batches through Prisma were both slow and heavy. This
 * writer binds each row to prepared statements on its own connection instead.
 *
 * Two connections to one SQLite file can deadlock in one process: better-sqlite3 is
 * synchronous, so if this connection waited (busy_timeout) for a write lock that Prisma's
 * connection holds inside an open interactive transaction, the event loop that would finish
 * that transaction is the one blocked. And a Prisma transaction that read before this one
 * committed would fail its own write (SQLITE_BUSY_SNAPSHOT). So each batch runs inside a Prisma
 * interactive transaction, which takes the adapter's transaction mutex (no other Prisma
 * transaction of this process is open meanwhile; Prisma's BEGIN is deferred, so it takes no
 * lock), and the batch itself runs synchronously, start to commit, with nothing in between.
 * Another process's writer makes this one wait up to the busy timeout, as Prisma's would.
 */
class SqlitePeopleWriter implements PeopleWriter {
  private readonly insertNew: BetterSqlite3.Statement<unknown[]>;
  private readonly selectImportOf: BetterSqlite3.Statement<[string, string], string | null>;
  private readonly mergeRow: BetterSqlite3.Statement<unknown[]>;
  private readonly checkpointImport: BetterSqlite3.Statement<unknown[]>;

  private constructor(
    private readonly db: Database,
    private readonly connection: BetterSqlite3.Database,
  ) {
    const columns = [...PERSON_COLUMNS.map(([c]) => `"${c}"`), `"created_at"`, `"updated_at"`];
    const insert = `INSERT INTO "person" (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
    // A new person is one statement; an existing one three (the insert finds the key, then its
    // last import is read and the row merged): an import mostly brings people not yet known.
    this.insertNew = connection.prepare(`${insert} ON CONFLICT ("incident_id", "unique_key") DO NOTHING`);
    this.selectImportOf = connection
      .prepare<[string, string], string | null>(`SELECT "import_id" FROM "person" WHERE "incident_id" = ? AND "unique_key" = ?`)
      .pluck();
    this.mergeRow = connection.prepare(`${insert} ${personConflictClause("sqlite")}`);
    this.checkpointImport = connection.prepare(checkpointSql("sqlite"));
  }

  static async open(db: Database): Promise<SqlitePeopleWriter> {
    const files = await db.prisma.$queryRawUnsafe<{ file: string }[]>(
      `SELECT "file" FROM pragma_database_list WHERE "name" = 'main'`,
    );
    const connection = new BetterSqlite3(files[0]!.file, { timeout: 5000 });
    // The file is in WAL mode already (client.ts); these are per connection.
    connection.pragma("foreign_keys = ON");
    connection.pragma("synchronous = NORMAL");
    return new SqlitePeopleWriter(db, connection);
  }

  async upsert(rows: PersonUpsertRow[], now: Date, options: UpsertPeopleOptions = {}): Promise<PersonUpsertCounts> {
    const at = sqliteInstant(now);
    return this.db.prisma.$transaction(async () => this.writeBatch(rows, at, options), { maxWait: 10_000, timeout: 120_000 });
  }

  /**
   * One batch, synchronously: BEGIN IMMEDIATE takes SQLite's write lock until COMMIT; each row
   * is inserted, or merged into the existing person after reading which import last wrote it
   * (this one: a duplicate in the file); then the checkpoint.
   */
  private writeBatch(rows: PersonUpsertRow[], at: string, options: UpsertPeopleOptions): PersonUpsertCounts {
    const counts = { created: 0, updated: 0, repeated: 0 };
    this.connection.exec("BEGIN IMMEDIATE");
    try {
      for (const r of rows) {
        const values = [
          r.id,
          r.incidentId,
          r.uniqueKey,
          r.externalId,
          r.givenName,
          r.familyName,
          r.email,
          r.emailNormalized,
          r.phone,
          r.postalAddress,
          r.country,
          r.region,
          r.language,
          r.isAtRisk === null ? null : r.isAtRisk ? 1 : 0,
          r.attributes,
          r.importId,
          at,
          at,
        ];
        // Inserts the person unless the incident has one with this key (under the write lock).
        if (this.insertNew.run(values).changes === 1) {
          counts.created++;
          continue;
        }
        if (this.selectImportOf.get(r.incidentId, r.uniqueKey) === r.importId) counts.repeated++;
        else counts.updated++;
        // Merges the row into the existing person (under the write lock).
        this.mergeRow.run(values);
      }
      if (options.checkpoint) {
        const checkpoint = options.checkpoint(counts);
        if (this.checkpointImport.run(...checkpointArgs(checkpoint, at)).changes !== 1) {
          throw new ImportCheckpointRefused(checkpoint.importId);
        }
      }
      this.connection.exec("COMMIT");
      return counts;
    } catch (error) {
      if (this.connection.inTransaction) this.connection.exec("ROLLBACK");
      throw error;
    }
  }

  async close(): Promise<void> {
    this.connection.close();
  }
}

/**
 * The PostgreSQL writer: its own connection (pg), one statement per batch. The batch travels as
 * ONE JSON text parameter unpacked by the database (json_array_elements): measured in
 * bench/import.ts, binding 18 parameters a row cost more than PostgreSQL spends parsing JSON.
 * Through Prisma the same statements were slower, and Prisma 6.19 keeps its last 100 queries
 * with their parameters (the debug history of @prisma/debug): tens of MB for batches of people.
 * Both connections writing at once is safe here: PostgreSQL locks rows, not the database.
 */
class PostgresPeopleWriter implements PeopleWriter {
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
          JSON.stringify(rows.map(personTuple)),
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

/** A row's values in PERSON_COLUMNS order. */
function personTuple(r: PersonUpsertRow): unknown[] {
  return [
    r.id,
    r.incidentId,
    r.uniqueKey,
    r.externalId,
    r.givenName,
    r.familyName,
    r.email,
    r.emailNormalized,
    r.phone,
    r.postalAddress,
    r.country,
    r.region,
    r.language,
    r.isAtRisk,
    r.attributes,
    r.importId,
  ];
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
