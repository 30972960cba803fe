import BetterSqlite3 from "better-sqlite3";
import type { Database } from "../../db/client.js";
import { sqliteInstant } from "../../db/values.js";
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
export class SqlitePeopleWriter implements PeopleWriter {
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
        const values = [...personValues(r, sqliteBoolean), at, at];
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

function sqliteBoolean(value: boolean | null): number | null {
  return value === null ? null : value ? 1 : 0;
}
