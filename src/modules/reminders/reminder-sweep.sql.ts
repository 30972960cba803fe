import type { Database } from "../../db/client.js";
import { instantParam, sqliteInstant, toDate, toDateOrNull, toStringOrNull } from "../../db/values.js";

// The reminder sweep's raw SQL (reminder-sweep.service.ts): the due reminders read, and their jobs
// and next slots written; one function per provider where the SQL differs. Private to the module.

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
