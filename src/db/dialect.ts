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

/**
 * Rows per statement. Prisma 6.19's client keeps the last 100 raw queries with their parameter
 * values (measured: heap grows by 100 x the parameter size, then stays), so one JSON parameter
 * for a whole 5,000-row batch kept about 250 MB alive; 500 rows keep it near 25 MB and cost
 * no measurable speed.
 */
const PERSON_ROWS_PER_STATEMENT = 500;

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
 * Inserts the people of one batch, or merges each into the existing person of the incident
 * with the same unique key, in one transaction of its own (so a later failure leaves this
 * batch committed), and says how many were created, updated or repeated. Rows must have
 * distinct unique keys and one incident and import. With a checkpoint, the import's counts
 * are written in the same transaction, or ImportCheckpointRefused is thrown and nothing is.
 *
 * The batch travels as ONE JSON text parameter unpacked by the database (json_each on SQLite,
 * json_to_recordset on PostgreSQL): measured in bench/import.ts, Prisma's raw queries spend
 * far more per bound parameter than the databases spend parsing JSON (multi-row VALUES with
 * 18,000 parameters ran at about 8,000 rows/s and used hundreds of MB).
 */
export async function upsertPeople(
  db: Database,
  rows: PersonUpsertRow[],
  now: Date,
  options: UpsertPeopleOptions = {},
): Promise<PersonUpsertCounts> {
  if (rows.length === 0 && !options.checkpoint) return { created: 0, updated: 0, repeated: 0 };
  const incidentId = rows[0]?.incidentId;
  const importId = rows[0]?.importId;
  const at = instantParam(db.kind, now);
  const tuples = rows.map((r) => [
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
  ]);
  const columns = [...PERSON_COLUMNS.map(([c]) => `"${c}"`), `"created_at"`, `"updated_at"`].join(", ");
  const parts: { keys: string; rows: string }[] = [];
  for (let from = 0; from < rows.length; from += PERSON_ROWS_PER_STATEMENT) {
    parts.push({
      keys: JSON.stringify(rows.slice(from, from + PERSON_ROWS_PER_STATEMENT).map((r) => r.uniqueKey)),
      rows: JSON.stringify(tuples.slice(from, from + PERSON_ROWS_PER_STATEMENT)),
    });
  }
  return db.prisma.$transaction(
    async (tx) => {
      const existing: { unique_key: string; import_id: string | null }[] = [];
      for (const part of parts) {
        if (db.kind === "sqlite") {
          // Reads which keys exist already and which import last wrote them (no lock needed:
          // concurrent imports of one incident are refused, and this transaction's insert below
          // takes the write lock before anything else can change these rows).
          existing.push(
            ...(await tx.$queryRawUnsafe<typeof existing>(
              `SELECT "unique_key", "import_id" FROM "person"
               WHERE "incident_id" = ? AND "unique_key" IN (SELECT "value" FROM json_each(?))`,
              incidentId,
              part.keys,
            )),
          );
          // Inserts these people and changes the existing ones with the same keys, under
          // SQLite's database write lock until commit. WHERE true: SQLite's parser needs it to
          // tell an upsert's ON CONFLICT from a join constraint after INSERT ... SELECT.
          const values = PERSON_COLUMNS.map((_, i) => `"value" ->> ${i}`).join(", ");
          await tx.$executeRawUnsafe(
            `INSERT INTO "person" (${columns}) SELECT ${values}, ?, ? FROM json_each(?) WHERE true ${personConflictClause("sqlite")}`,
            at,
            at,
            part.rows,
          );
        } else {
          // Reads which keys exist already and which import last wrote them (no lock; see above).
          existing.push(
            ...(await tx.$queryRawUnsafe<typeof existing>(
              `SELECT "unique_key", "import_id" FROM "person"
               WHERE "incident_id" = $1 AND "unique_key" IN (SELECT json_array_elements_text($2::json))`,
              incidentId,
              part.keys,
            )),
          );
          // Inserts these people and changes the existing ones with the same keys (row locks
          // on the changed rows and unique-index entries until commit).
          const values = PERSON_COLUMNS.map(([, type], i) => `(j ->> ${i})::${type}`).join(", ");
          await tx.$executeRawUnsafe(
            `INSERT INTO "person" (${columns}) SELECT ${values}, $1, $1 FROM json_array_elements($2::json) AS j
             ${personConflictClause("postgresql")}`,
            at,
            part.rows,
          );
        }
      }
      let repeated = 0;
      for (const row of existing) if (row.import_id === importId) repeated++;
      const counts = { created: rows.length - existing.length, updated: existing.length - repeated, repeated };
      if (options.checkpoint) {
        const checkpoint = options.checkpoint(counts);
        const changed = await tx.$executeRawUnsafe(checkpointSql(db.kind), ...checkpointArgs(checkpoint, at));
        if (changed !== 1) throw new ImportCheckpointRefused(checkpoint.importId);
      }
      return counts;
    },
    { maxWait: 10_000, timeout: 120_000 },
  );
}

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
 * first those still "sending" under an expired lease (a crashed worker's messages in flight),
 * then queued ones that are due, earliest first. Each claimed row is sending, leased to
 * workerId until now + leaseMs, with the try counted; no row goes to two concurrent claimers.
 */
export async function claimDueDeliveries(db: Database, options: ClaimDeliveriesOptions): Promise<ClaimedDelivery[]> {
  const { workerId, leaseMs, now } = options;
  const at = instantParam(db.kind, now);
  const until = instantParam(db.kind, new Date(now.getTime() + leaseMs));
  const claimed: ClaimedDelivery[] = [];
  const sending = Prisma.sql`EXISTS (SELECT 1 FROM "campaign" c WHERE c."id" = d."campaign_id" AND c."status" = 'sending')`;
  const due = [
    Prisma.sql`d."status" = 'sending' AND d."lease_until" < ${at}`,
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
  return db.prisma.$executeRaw(Prisma.sql`
    UPDATE "delivery" SET ${set}
    FROM (SELECT e."value" ->> 0 AS "id", e."value" ->> 1 AS "s", e."value" ->> 2 AS "at", e."value" ->> 3 AS "next_at",
                 e."value" ->> 4 AS "code", e."value" ->> 5 AS "response"
          FROM json_each(${rows}) AS e) AS j
    WHERE "delivery"."id" = j."id" AND "delivery"."status" = 'sending' AND "delivery"."claimed_by" = ${workerId}`);
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
