import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { DatabaseKind } from "../config/config.js";
import { type Job, Prisma } from "../generated/sqlite/client.js";
import type { Database, DbOrTx } from "./client.js";

/**
 * Every query that differs between SQLite and PostgreSQL lives here (DESIGN.md section 4).
 * Callers pass the database kind and a client or transaction; everything else in the app
 * goes through the Prisma API, which is the same on both.
 */

/**
 * SQLite stores Prisma DateTime values as text in this exact shape (adapter-better-sqlite3,
 * timestampFormat iso8601); raw comparisons against those columns must use the same shape.
 */
export function sqliteInstant(at: Date): string {
  return at.toISOString().replace("Z", "+00:00");
}

/** Arbitrary constant naming the PostgreSQL advisory lock that serialises audit appends. */
const AUDIT_CHAIN_LOCK_ID = 720_113_002;

/**
 * Serialises appends to the audit chain until the transaction ends. PostgreSQL: a
 * transaction-level advisory lock (changes no row). SQLite: nothing to do, since its writers
 * are already serialised by the database lock.
 */
export async function lockAuditChain(kind: DatabaseKind, tx: DbOrTx): Promise<void> {
  if (kind === "postgresql") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_ID})`);
}

/**
 * A DateTime parameter for a raw statement: SQLite compares its text columns as strings, so
 * the value must have the exact stored shape; PostgreSQL takes the Date (stored as UTC in
 * TIMESTAMP(3) columns without zone).
 */
function instantParam(kind: DatabaseKind, at: Date): Date | string {
  return kind === "sqlite" ? sqliteInstant(at) : at;
}

/** Raw rows may carry instants as Date (both adapters today) or as stored text. */
function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "string" || typeof value === "number") return new Date(value);
  throw new TypeError(`expected an instant, got ${typeof value}`);
}

function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

function toStringOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** Maps a raw snake_case job row to the Prisma Job shape. */
function toJob(row: Record<string, unknown>): Job {
  return {
    id: String(row.id),
    kind: String(row.kind),
    key: String(row.key),
    payload: String(row.payload),
    status: String(row.status),
    runAt: toDate(row.run_at),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    claimedBy: toStringOrNull(row.claimed_by),
    leaseUntil: toDateOrNull(row.lease_until),
    lastError: toStringOrNull(row.last_error),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    finishedAt: toDateOrNull(row.finished_at),
  };
}

export interface NewJobRow {
  id: string;
  kind: string;
  key: string;
  /** JSON text */
  payload: string;
  runAt: Date;
  maxAttempts: number;
  now: Date;
}

/**
 * Inserts a queued job unless one with the same key exists, in the caller's transaction;
 * true when inserted. ON CONFLICT DO NOTHING (same syntax on both) makes the duplicate a
 * no-op instead of a unique violation, which would abort a PostgreSQL transaction.
 */
export async function insertJobUnlessKeyExists(kind: DatabaseKind, tx: DbOrTx, row: NewJobRow): Promise<boolean> {
  const now = instantParam(kind, row.now);
  // Inserts one job row; on a key conflict it changes nothing (PostgreSQL waits for a
  // concurrent inserter of the same key to finish, then does nothing).
  const inserted = await tx.$executeRaw`
    INSERT INTO "job" ("id", "kind", "key", "payload", "status", "run_at", "attempts", "max_attempts", "created_at", "updated_at")
    VALUES (${row.id}, ${row.kind}, ${row.key}, ${row.payload}, 'queued', ${instantParam(kind, row.runAt)}, 0, ${row.maxAttempts}, ${now}, ${now})
    ON CONFLICT ("key") DO NOTHING`;
  return inserted > 0;
}

export interface ClaimJobsOptions {
  workerId: string;
  limit: number;
  leaseMs: number;
  now: Date;
}

/**
 * Atomically claims up to `limit` jobs that are due (queued, runAt <= now) or whose lease has
 * expired (running, leaseUntil < now: a crashed worker's job is taken over), oldest runAt
 * first. Each claimed job is running, leased to workerId until now + leaseMs, with attempts
 * counted; no job is ever returned to two concurrent claimers.
 */
export async function claimDueJobs(db: Database, options: ClaimJobsOptions): Promise<Job[]> {
  const { workerId, limit, leaseMs, now } = options;
  if (limit < 1) return [];
  const at = instantParam(db.kind, now);
  const until = instantParam(db.kind, new Date(now.getTime() + leaseMs));
  let rows: Record<string, unknown>[];
  if (db.kind === "postgresql") {
    // Locks up to `limit` due job rows (FOR UPDATE, skipping rows another claimer holds, so
    // concurrent workers never wait on or share a job) and changes them to running under this
    // worker's lease. The CTE is MATERIALIZED because the plain `id IN (SELECT ... LIMIT n
    // FOR UPDATE SKIP LOCKED)` form can be rescanned in a nested loop and claim more than n.
    rows = await db.prisma.$queryRaw<Record<string, unknown>[]>`
      WITH picked AS MATERIALIZED (
        SELECT "id" FROM "job"
        WHERE ("status" = 'queued' AND "run_at" <= ${at})
           OR ("status" = 'running' AND "lease_until" < ${at})
        ORDER BY "run_at", "id"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE "job" SET "status" = 'running', "claimed_by" = ${workerId}, "lease_until" = ${until},
        "attempts" = "attempts" + 1, "updated_at" = ${at}
      FROM picked WHERE "job"."id" = picked."id"
      RETURNING "job".*`;
  } else {
    // Takes SQLite's database write lock for this one statement, which selects and changes
    // up to `limit` due job rows to running under this worker's lease: a single statement is
    // atomic, so two claimers cannot both see a job as due.
    rows = await db.prisma.$queryRaw<Record<string, unknown>[]>`
      UPDATE "job" SET "status" = 'running', "claimed_by" = ${workerId}, "lease_until" = ${until},
        "attempts" = "attempts" + 1, "updated_at" = ${at}
      WHERE "id" IN (
        SELECT "id" FROM "job"
        WHERE ("status" = 'queued' AND "run_at" <= ${at})
           OR ("status" = 'running' AND "lease_until" < ${at})
        ORDER BY "run_at", "id"
        LIMIT ${limit}
      )
      RETURNING *`;
  }
  // RETURNING gives no order guarantee.
  return rows.map(toJob).sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id.localeCompare(b.id));
}

export interface TakeLeaseOptions {
  name: string;
  holder: string;
  leaseUntil: Date;
  now: Date;
  /** Also take the lease from this holder even if unexpired (it is known to be dead). */
  replaceHolder?: string | null;
}

/**
 * Takes or renews a named process lease in one statement: succeeds when no row exists, the
 * row's lease has expired, it is already this holder's, or its holder is replaceHolder.
 * Returns whether this holder now has it.
 */
export async function takeProcessLease(db: Database, options: TakeLeaseOptions): Promise<boolean> {
  const now = instantParam(db.kind, options.now);
  const until = instantParam(db.kind, options.leaseUntil);
  // Inserts the lease row, or on a name conflict overwrites it only when the WHERE holds
  // (row-locked on PostgreSQL, under the write lock on SQLite), so two takers cannot both win.
  const changed = await db.prisma.$executeRaw`
    INSERT INTO "process_lease" ("name", "holder", "lease_until", "updated_at")
    VALUES (${options.name}, ${options.holder}, ${until}, ${now})
    ON CONFLICT ("name") DO UPDATE SET "holder" = excluded."holder", "lease_until" = excluded."lease_until",
      "updated_at" = excluded."updated_at"
    WHERE "process_lease"."lease_until" < ${now}
       OR "process_lease"."holder" = excluded."holder"
       OR "process_lease"."holder" = ${options.replaceHolder ?? null}`;
  return changed > 0;
}

/** A pending obligation whose stored next reminder is due, with what the sweep needs to place the next one. */
export interface DueReminderRow {
  id: string;
  terms: string;
  dueAt: Date | null;
  nextReminderAt: Date;
  nextReminderSlot: string | null;
  incident: {
    status: string;
    awareAt: Date | null;
    detectedAt: Date | null;
    timeZone: string;
    clockEvents: { code: string; at: Date; zone: string; note: string }[];
  };
}

/**
 * The pending obligations whose stored next reminder is due at `now`, earliest first, at most
 * `limit`, each with its incident's status and clock events: one statement, read through the
 * (status, next_reminder_at) index. A raw query because this runs every minute and Prisma's
 * nested select spends three queries and most of the time on relations (bench/reminder-sweep.ts).
 */
export async function selectDueReminders(db: Database, now: Date, limit: number): Promise<DueReminderRow[]> {
  const at = instantParam(db.kind, now);
  // Picks the due obligations by index, then joins each one's incident and clock events (one
  // row per event, none lost to the LIMIT, which counts obligations).
  const rows = await db.prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT o."id", o."terms", o."due_at", o."next_reminder_at", o."next_reminder_slot",
           i."status", i."aware_at", i."detected_at", i."time_zone",
           ce."code" AS "event_code", ce."at" AS "event_at", ce."zone" AS "event_zone", ce."note" AS "event_note"
    FROM (
      SELECT "id", "incident_id", "terms", "due_at", "next_reminder_at", "next_reminder_slot" FROM "obligation"
      WHERE "status" = 'pending' AND "next_reminder_at" <= ${at}
      ORDER BY "next_reminder_at", "id"
      LIMIT ${limit}
    ) o
    JOIN "incident" i ON i."id" = o."incident_id"
    LEFT JOIN "clock_event" ce ON ce."incident_id" = o."incident_id"
    ORDER BY o."next_reminder_at", o."id"`;
  const byId = new Map<string, DueReminderRow>();
  for (const row of rows) {
    const id = String(row.id);
    let due = byId.get(id);
    if (!due) {
      due = {
        id,
        terms: String(row.terms),
        dueAt: toDateOrNull(row.due_at),
        nextReminderAt: toDate(row.next_reminder_at),
        nextReminderSlot: toStringOrNull(row.next_reminder_slot),
        incident: {
          status: String(row.status),
          awareAt: toDateOrNull(row.aware_at),
          detectedAt: toDateOrNull(row.detected_at),
          timeZone: String(row.time_zone),
          clockEvents: [],
        },
      };
      byId.set(id, due);
    }
    if (row.event_code !== null && row.event_code !== undefined) {
      due.incident.clockEvents.push({
        code: String(row.event_code),
        at: toDate(row.event_at),
        zone: String(row.event_zone),
        note: String(row.event_note ?? ""),
      });
    }
  }
  return [...byId.values()];
}

/** One step of a reminder sweep: move an obligation's next reminder on, and maybe schedule a job. */
export interface ReminderAdvance {
  obligationId: string;
  /** The stored next reminder the sweep read: the claim holds only while it is unchanged. */
  readNextReminderAt: Date;
  nextReminderAt: Date | null;
  nextReminderSlot: string | null;
  /** The reminder job to schedule when the claim holds, under its unique key. */
  job: { id: string; key: string; payload: string } | null;
}

/**
 * Applies a sweep's steps and returns the keys of the jobs it scheduled. Each obligation's next
 * reminder moves on only while it is pending with the instant the sweep read (a guarded claim:
 * a concurrent sweep or a change of dueAt or status in between makes it a no-op), and its job
 * is scheduled only for a row still as read, unless a job with its key exists. The steps travel
 * as one JSON parameter (see upsertPeople on why).
 */
export async function advanceReminders(
  db: Database,
  steps: ReminderAdvance[],
  job: { kind: string; runAt: Date; maxAttempts: number; now: Date },
): Promise<string[]> {
  if (steps.length === 0) return [];
  const iso = (at: Date | null) => (at === null ? null : db.kind === "sqlite" ? sqliteInstant(at) : at.toISOString());
  const rows = JSON.stringify(
    steps.map((s) => [
      s.obligationId,
      iso(s.readNextReminderAt),
      iso(s.nextReminderAt),
      s.nextReminderSlot,
      s.job?.id ?? null,
      s.job?.key ?? null,
      s.job?.payload ?? null,
    ]),
  );
  const runAt = instantParam(db.kind, job.runAt);
  const now = instantParam(db.kind, job.now);
  if (db.kind === "postgresql") {
    // One statement: the claims (row-locked; a concurrent sweep waits, then finds the row moved
    // and claims nothing), then the jobs of the claims that held, skipping keys that exist.
    const inserted = await db.prisma.$queryRaw<{ key: string }[]>`
      WITH step AS (
        SELECT s ->> 0 AS "id", (s ->> 1)::timestamp(3) AS "read_at", (s ->> 2)::timestamp(3) AS "next_at",
               s ->> 3 AS "next_slot", s ->> 4 AS "job_id", s ->> 5 AS "job_key", s ->> 6 AS "payload"
        FROM json_array_elements(${rows}::json) AS s
      ), claimed AS (
        UPDATE "obligation" o SET "next_reminder_at" = step."next_at", "next_reminder_slot" = step."next_slot"
        FROM step
        WHERE o."id" = step."id" AND o."status" = 'pending' AND o."next_reminder_at" = step."read_at"
        RETURNING o."id"
      )
      INSERT INTO "job" ("id", "kind", "key", "payload", "status", "run_at", "attempts", "max_attempts", "created_at", "updated_at")
      SELECT step."job_id", ${job.kind}, step."job_key", step."payload", 'queued', ${runAt}, 0, ${job.maxAttempts}, ${now}, ${now}
      FROM step JOIN claimed ON claimed."id" = step."id"
      WHERE step."job_key" IS NOT NULL
      ON CONFLICT ("key") DO NOTHING
      RETURNING "key"`;
    return inserted.map((r) => r.key);
  }
  // SQLite: two statements, each atomic under the database write lock, jobs first. A job is
  // scheduled only while its obligation still holds the stored reminder the sweep read (a row
  // changed since the read schedules nothing), skipping keys that exist; then the claims. A
  // crash between the two leaves jobs scheduled and reminders unmoved: the next sweep reads the
  // same rows, finds the keys taken and moves them on, so nothing is lost or sent twice.
  // WHERE true: see upsertPeople (SQLite's parser and INSERT ... SELECT ... ON CONFLICT).
  const inserted = await db.prisma.$queryRaw<{ key: string }[]>`
    INSERT INTO "job" ("id", "kind", "key", "payload", "status", "run_at", "attempts", "max_attempts", "created_at", "updated_at")
    SELECT step."value" ->> 4, ${job.kind}, step."value" ->> 5, step."value" ->> 6, 'queued', ${runAt}, 0, ${job.maxAttempts}, ${now}, ${now}
    FROM json_each(${rows}) AS step
    JOIN "obligation" o ON o."id" = step."value" ->> 0
    WHERE step."value" ->> 5 IS NOT NULL AND o."status" = 'pending' AND o."next_reminder_at" = step."value" ->> 1
    ON CONFLICT ("key") DO NOTHING
    RETURNING "key"`;
  await db.prisma.$executeRaw`
    UPDATE "obligation" SET "next_reminder_at" = step."value" ->> 2, "next_reminder_slot" = step."value" ->> 3
    FROM json_each(${rows}) AS step
    WHERE "obligation"."id" = step."value" ->> 0 AND "obligation"."status" = 'pending'
      AND "obligation"."next_reminder_at" = step."value" ->> 1`;
  return inserted.map((r) => r.key);
}

/**
 * Brings the query planner's statistics of a table up to date after a bulk change. SQLite:
 * PRAGMA optimize, which analyses only what changed enough (and does nothing otherwise);
 * PostgreSQL: ANALYZE of the table (a sample, not a scan; autovacuum would get there later).
 * Reads only; takes no lock that blocks writers.
 */
export async function refreshPlannerStatistics(db: Database, table: "person" | "delivery"): Promise<void> {
  if (db.kind === "sqlite") await db.prisma.$executeRawUnsafe("PRAGMA optimize");
  else await db.prisma.$executeRawUnsafe(`ANALYZE "${table}"`);
}

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

// ---------------------------------------------------------------------------------------------
// Campaign deliveries (modules/campaigns): the fan-out, the claim and the recorded results.

/** What a campaign's start writes for each recipient, beyond the person's own columns. */
export interface DeliveryFanOut {
  campaignId: string;
  /** The WHERE condition on `person` under the alias `p` (campaign-audience.ts). */
  audience: Prisma.Sql;
  /** The pinned version for each language a recipient has ("" for none), from the renderer's choice. */
  versionByLanguage: Record<string, string>;
  /** The version of any language missing above. */
  fallbackVersionId: string;
  /** Message-IDs are `<delivery.ID@domain>`. */
  messageIdDomain: string;
  now: Date;
}

/** A random RFC 4122 version 4 UUID as SQLite text, the shape lib/ids.ts makes in JavaScript. */
const SQLITE_UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
  || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;

/**
 * Writes one delivery row per person of the audience in the caller's transaction (the one that
 * moves the campaign to sending), in ONE INSERT ... SELECT: the person's address, name, place
 * and language are copied, the version chosen for their language is pinned, and the Message-ID
 * is derived from the new row's id. People without an e-mail address, or whose address has
 * bounced hard, are written as excluded with the reason. A person already in the campaign is
 * skipped (unique campaign and person), so a second run adds nothing. Returns the rows written.
 */
export async function fanOutDeliveries(kind: DatabaseKind, tx: DbOrTx, fanOut: DeliveryFanOut): Promise<number> {
  const at = instantParam(kind, fanOut.now);
  const versions = JSON.stringify(fanOut.versionByLanguage);
  const isExcluded = Prisma.sql`(x."email_normalized" IS NULL OR b."email_normalized" IS NOT NULL)`;
  const newId = kind === "postgresql" ? Prisma.sql`gen_random_uuid()::text` : Prisma.raw(SQLITE_UUID);
  const versionsTable =
    kind === "postgresql" ? Prisma.sql`json_each_text(${versions}::json)` : Prisma.sql`json_each(${versions})`;
  const stamp = kind === "postgresql" ? Prisma.sql`${at}::timestamp(3)` : Prisma.sql`${at}`;
  // Reads the audience's people (no lock: the people of an incident being notified are not
  // imported at the same moment, and a later import is not part of this campaign) and inserts
  // their deliveries (row locks on PostgreSQL, SQLite's write lock, until the caller commits).
  // The MATERIALIZED step draws each row's id once: the Message-ID must repeat the same id.
  // WHERE true: see upsertPeople (SQLite's parser and INSERT ... SELECT ... ON CONFLICT).
  return tx.$executeRaw(Prisma.sql`
    WITH picked AS MATERIALIZED (
      SELECT ${newId} AS "new_id", p."id", p."incident_id", p."email", p."email_normalized", p."given_name",
             p."family_name", p."country", p."region", p."language"
      FROM "person" p WHERE ${fanOut.audience}
    )
    INSERT INTO "delivery" ("id", "campaign_id", "incident_id", "person_id", "email", "email_normalized", "full_name",
      "country", "region", "language", "template_version_id", "channel", "status", "attempts", "next_attempt_at",
      "message_id", "exclusion_reason", "queued_at", "updated_at")
    SELECT x."new_id", ${fanOut.campaignId}, x."incident_id", x."id", x."email", x."email_normalized",
      TRIM(x."given_name" || ' ' || x."family_name"), x."country", x."region", COALESCE(x."language", ''),
      COALESCE(v."value", ${fanOut.fallbackVersionId}), 'email',
      CASE WHEN ${isExcluded} THEN 'excluded' ELSE 'queued' END, 0,
      CASE WHEN ${isExcluded} THEN NULL ELSE ${stamp} END,
      '<delivery.' || x."new_id" || '@' || ${fanOut.messageIdDomain} || '>',
      CASE WHEN x."email_normalized" IS NULL THEN 'no_email' WHEN b."email_normalized" IS NOT NULL THEN 'bounced_address' ELSE '' END,
      ${stamp}, ${stamp}
    FROM picked x
    LEFT JOIN "bounced_address" b ON b."email_normalized" = x."email_normalized"
    LEFT JOIN ${versionsTable} v ON v."key" = COALESCE(x."language", '')
    WHERE true
    ON CONFLICT ("campaign_id", "person_id") DO NOTHING`);
}

/** A delivery claimed for sending: what the sender needs to render, send and record it. */
export interface ClaimedDelivery {
  id: string;
  campaignId: string;
  incidentId: string;
  personId: string;
  email: string | null;
  fullName: string;
  language: string;
  templateVersionId: string | null;
  messageId: string;
  /** Tries so far, this claim included. */
  attempts: number;
  queuedAt: Date;
}

function toClaimedDelivery(row: Record<string, unknown>): ClaimedDelivery {
  return {
    id: String(row.id),
    campaignId: String(row.campaign_id),
    incidentId: String(row.incident_id),
    personId: String(row.person_id),
    email: toStringOrNull(row.email),
    fullName: String(row.full_name ?? ""),
    language: String(row.language ?? ""),
    templateVersionId: toStringOrNull(row.template_version_id),
    messageId: String(row.message_id),
    attempts: Number(row.attempts),
    queuedAt: toDate(row.queued_at),
  };
}

export interface ClaimDeliveriesOptions {
  workerId: string;
  limit: number;
  leaseMs: number;
  now: Date;
}

const CLAIMED_COLUMNS = [
  "id",
  "campaign_id",
  "incident_id",
  "person_id",
  "email",
  "full_name",
  "language",
  "template_version_id",
  "message_id",
  "attempts",
  "queued_at",
];

/**
 * Claims up to `limit` deliveries of campaigns that are sending, in two atomic statements:
 * first those still "sending" under another worker's expired lease (a crashed worker's messages in flight),
 * then queued ones that are due, earliest first. Each claimed row is sending, leased to
 * workerId until now + leaseMs, with the try counted; no row goes to two concurrent claimers.
 */
export async function claimDueDeliveries(db: Database, options: ClaimDeliveriesOptions): Promise<ClaimedDelivery[]> {
  const { workerId, leaseMs, now } = options;
  const at = instantParam(db.kind, now);
  const until = instantParam(db.kind, new Date(now.getTime() + leaseMs));
  const claimed: ClaimedDelivery[] = [];
  const sending = Prisma.sql`EXISTS (SELECT 1 FROM "campaign" c WHERE c."id" = d."campaign_id" AND c."status" = 'sending')`;
  // Never this worker's own rows: a live worker whose lease ran out is still sending them.
  const due = [
    Prisma.sql`d."status" = 'sending' AND d."lease_until" < ${at} AND d."claimed_by" <> ${workerId}`,
    Prisma.sql`d."status" = 'queued' AND d."next_attempt_at" <= ${at}`,
  ];
  for (const condition of due) {
    const limit = options.limit - claimed.length;
    if (limit < 1) break;
    const set = Prisma.sql`"status" = 'sending', "claimed_by" = ${workerId}, "lease_until" = ${until},
      "attempts" = "attempts" + 1, "updated_at" = ${at}`;
    const rows =
      db.kind === "postgresql"
        ? // Locks up to `limit` due rows (FOR UPDATE, skipping rows another worker holds, so
          // workers sharing a campaign never wait on or share a delivery) and changes them to
          // sending under this worker's lease. MATERIALIZED: see claimDueJobs.
          await db.prisma.$queryRaw<Record<string, unknown>[]>(Prisma.sql`
            WITH picked AS MATERIALIZED (
              SELECT d."id" FROM "delivery" d WHERE ${condition} AND ${sending}
              ORDER BY d."next_attempt_at" LIMIT ${limit}
              FOR UPDATE OF d SKIP LOCKED
            )
            UPDATE "delivery" SET ${set} FROM picked WHERE "delivery"."id" = picked."id"
            RETURNING ${Prisma.raw(CLAIMED_COLUMNS.map((c) => `"delivery"."${c}"`).join(", "))}`)
        : // Takes SQLite's write lock for this one statement, which picks and changes up to
          // `limit` due rows to sending under this worker's lease: atomic, so never claimed twice.
          await db.prisma.$queryRaw<Record<string, unknown>[]>(Prisma.sql`
            UPDATE "delivery" SET ${set}
            WHERE "id" IN (SELECT d."id" FROM "delivery" d WHERE ${condition} AND ${sending}
                           ORDER BY d."next_attempt_at" LIMIT ${limit})
            RETURNING ${Prisma.raw(CLAIMED_COLUMNS.map((c) => `"${c}"`).join(", "))}`);
    claimed.push(...rows.map(toClaimedDelivery));
  }
  return claimed;
}

/**
 * Pushes the lease of every delivery this worker is sending to `until`, so that a batch slower
 * than the lease is not taken over by another worker while it is still being sent; returns how
 * many rows. Changes only this worker's in-flight rows (read through the status index: few).
 */
export async function extendDeliveryLeases(db: Database, workerId: string, until: Date, now: Date): Promise<number> {
  return db.prisma.$executeRaw`
    UPDATE "delivery" SET "lease_until" = ${instantParam(db.kind, until)}, "updated_at" = ${instantParam(db.kind, now)}
    WHERE "status" = 'sending' AND "claimed_by" = ${workerId}`;
}

/** One claimed delivery's result, as modules/campaigns/delivery-outcome.ts makes it. */
export interface DeliveryResultRow {
  id: string;
  /** sent | queued (try again at nextAttemptAt) | failed | released (back as it was) | cancelled (not tried) */
  status: "sent" | "queued" | "failed" | "released" | "cancelled";
  at: Date;
  nextAttemptAt?: Date;
  smtpCode?: number | null;
  smtpResponse?: string;
}

/**
 * Records the results of claimed deliveries in one statement, each only while workerId still
 * holds it (sending, claimed by this worker): a result that lost its claim to another worker
 * (an expired lease) changes nothing. A sent or failed row keeps claimed_by: which worker tried it. Sent, failed and queued again keep the server's answer
 * and their instant; released and cancelled were not tried, so their try is uncounted.
 * Returns how many rows changed.
 */
export async function recordDeliveryResults(db: Database, workerId: string, results: DeliveryResultRow[]): Promise<number> {
  if (results.length === 0) return 0;
  const iso = (at: Date | undefined) => (at === undefined ? null : db.kind === "sqlite" ? sqliteInstant(at) : at.toISOString());
  const rows = JSON.stringify(
    results.map((r) => [r.id, r.status, iso(r.at), iso(r.nextAttemptAt), r.smtpCode ?? null, r.smtpResponse ?? null]),
  );
  const untried = Prisma.sql`j."s" IN ('released', 'cancelled')`;
  const answered = Prisma.sql`j."s" IN ('sent', 'queued', 'failed')`;
  const set = Prisma.sql`"status" = CASE WHEN j."s" = 'released' THEN 'queued' ELSE j."s" END,
    "attempts" = "attempts" - CASE WHEN ${untried} THEN 1 ELSE 0 END,
    "sent_at" = CASE WHEN j."s" = 'sent' THEN j."at" ELSE "sent_at" END,
    "failed_at" = CASE WHEN j."s" = 'failed' THEN j."at" ELSE "failed_at" END,
    "next_attempt_at" = CASE WHEN j."s" = 'queued' THEN j."next_at" WHEN j."s" = 'cancelled' THEN NULL ELSE "next_attempt_at" END,
    "smtp_code" = CASE WHEN ${answered} THEN j."code" ELSE "smtp_code" END,
    "smtp_response" = CASE WHEN ${answered} THEN j."response" ELSE "smtp_response" END,
    "claimed_by" = CASE WHEN j."s" IN ('sent', 'failed') THEN "claimed_by" ELSE NULL END,
    "lease_until" = NULL, "updated_at" = j."at"`;
  // Changes only the listed rows this worker still holds (row locks on PostgreSQL; SQLite's
  // write lock for the statement).
  if (db.kind === "postgresql") {
    return db.prisma.$executeRaw(Prisma.sql`
      UPDATE "delivery" SET ${set}
      FROM (SELECT e ->> 0 AS "id", e ->> 1 AS "s", (e ->> 2)::timestamp(3) AS "at", (e ->> 3)::timestamp(3) AS "next_at",
                   (e ->> 4)::int AS "code", e ->> 5 AS "response"
            FROM json_array_elements(${rows}::json) AS e) AS j
      WHERE "delivery"."id" = j."id" AND "delivery"."status" = 'sending' AND "delivery"."claimed_by" = ${workerId}`);
  }
  // The unary + keeps SQLite's planner off the (status, next_attempt_at) index: it would loop
  // over every row in flight and scan the results for each (measured: 53 ms for 25 results
  // with 2,000 rows in flight), instead of finding each result's row by its id.
  return db.prisma.$executeRaw(Prisma.sql`
    UPDATE "delivery" SET ${set}
    FROM (SELECT e."value" ->> 0 AS "id", e."value" ->> 1 AS "s", e."value" ->> 2 AS "at", e."value" ->> 3 AS "next_at",
                 e."value" ->> 4 AS "code", e."value" ->> 5 AS "response"
          FROM json_each(${rows}) AS e) AS j
    WHERE "delivery"."id" = j."id" AND +"delivery"."status" = 'sending' AND +"delivery"."claimed_by" = ${workerId}`);
}

/**
 * Queues a campaign's failed deliveries again (due now, queued now, so their retry window
 * starts afresh), except those whose address has bounced hard since; returns how many.
 */
export async function requeueFailedDeliveries(kind: DatabaseKind, tx: DbOrTx, campaignId: string, now: Date): Promise<number> {
  const at = instantParam(kind, now);
  // Changes the campaign's failed rows (row locks on PostgreSQL; SQLite's write lock).
  return tx.$executeRaw(Prisma.sql`
    UPDATE "delivery" SET "status" = 'queued', "next_attempt_at" = ${at}, "queued_at" = ${at}, "failed_at" = NULL, "updated_at" = ${at}
    WHERE "campaign_id" = ${campaignId} AND "status" = 'failed'
      AND NOT EXISTS (SELECT 1 FROM "bounced_address" b WHERE b."email_normalized" = "delivery"."email_normalized")`);
}

/**
 * Locks a campaign's row until the caller's transaction ends, so its status changes and the
 * delivery changes that go with them (start, cancel, retry, completion) happen one at a time.
 * PostgreSQL: a row lock (FOR UPDATE; changes nothing). SQLite: nothing, as its writers are
 * serialised by the database lock.
 */
export async function lockCampaignRow(kind: DatabaseKind, tx: DbOrTx, campaignId: string): Promise<void> {
  if (kind === "postgresql") await tx.$queryRaw`SELECT 1 FROM "campaign" WHERE "id" = ${campaignId} FOR UPDATE`;
}

/**
 * Cancels deliveries left "sending" under an expired lease in cancelled campaigns: their worker
 * died after the campaign was cancelled, so nobody will record them. Returns how many.
 */
export async function cancelStrandedDeliveries(db: Database, now: Date): Promise<number> {
  const at = instantParam(db.kind, now);
  // Changes the few in-flight rows of cancelled campaigns whose lease ran out (read through
  // the (status, next_attempt_at) index: only rows in flight are "sending").
  return db.prisma.$executeRaw`
    UPDATE "delivery" SET "status" = 'cancelled', "claimed_by" = NULL, "lease_until" = NULL, "updated_at" = ${at}
    WHERE "status" = 'sending' AND "lease_until" < ${at}
      AND "campaign_id" IN (SELECT "id" FROM "campaign" WHERE "status" = 'cancelled')`;
}

/** The person columns a notice is rendered from. */
export interface NoticePersonColumns {
  id: string;
  givenName: string;
  familyName: string;
  email: string | null;
  externalId: string | null;
  language: string | null;
  country: string | null;
  region: string | null;
  categoryIds: string | null;
  attributes: string;
}

/**
 * The people of a batch of deliveries (deleted people are missing), with the ids as ONE JSON
 * parameter: measured in bench/send.ts, a Prisma `id IN (...)` of 200 bound ids cost about
 * 15 ms on SQLite, a tenth of a millisecond for every notice sent. Reads only.
 */
export async function selectNoticePeople(db: Database, ids: string[]): Promise<NoticePersonColumns[]> {
  if (ids.length === 0) return [];
  const list = JSON.stringify(ids);
  const idsTable =
    db.kind === "postgresql"
      ? Prisma.sql`SELECT json_array_elements_text(${list}::json)`
      : Prisma.sql`SELECT "value" FROM json_each(${list})`;
  const rows = await db.prisma.$queryRaw<Record<string, unknown>[]>(Prisma.sql`
    SELECT "id", "given_name", "family_name", "email", "external_id", "language", "country", "region", "category_ids", "attributes"
    FROM "person" WHERE "id" IN (${idsTable})`);
  return rows.map((r) => ({
    id: String(r.id),
    givenName: String(r.given_name ?? ""),
    familyName: String(r.family_name ?? ""),
    email: toStringOrNull(r.email),
    externalId: toStringOrNull(r.external_id),
    language: toStringOrNull(r.language),
    country: toStringOrNull(r.country),
    region: toStringOrNull(r.region),
    categoryIds: toStringOrNull(r.category_ids),
    attributes: String(r.attributes ?? "{}"),
  }));
}
