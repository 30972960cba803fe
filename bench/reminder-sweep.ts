// Benchmark (not a test): the reminder sweep over 10,000 open incidents with 5 pending
// obligations each, whose next reminders are stored (as a sweep a minute earlier left them),
// against the raw driver's select of the same due rows by next_reminder_at (a better-sqlite3
// prepared statement; a pg query). Each measured minute: the raw select at that minute, then
// the real sweep, which schedules the due slots and moves each row's next reminder on.
// Run: npx tsx bench/reminder-sweep.ts; SQLite always, PostgreSQL too when TEST_DATABASE_URL
// is set. Aim: sweep < 3x raw, and the whole run under a minute per database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { openDatabase, sqlitePathOf } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { sqliteInstant } from "../src/db/values.js";
import { findRule } from "../src/modules/deadlines/rule-pack.policy.js";
import { dueReminderAt, reminderJobKey } from "../src/modules/reminders/reminder.policy.js";
import { nextReminderFor } from "../src/modules/reminders/reminder-schedule.policy.js";
import { SWEEP_BATCH, sweepReminders } from "../src/modules/reminders/reminder-sweep.service.js";
import { selectDueReminders } from "../src/modules/reminders/reminder-sweep.sql.js";
import { createScratchPostgresDatabase } from "../test/helpers/scratch-database.js";

const INCIDENTS = 10_000;
const PER_INCIDENT = 5;
const RULE_IDS = ["AU-NDB-assess", "AU-NDB-notify-1", "AU-NDB-notify-2", "AU-NDB-notify-3", "AU-NDB-notify-4"];
const NOW = new Date("2026-03-02T09:00:00.000Z");
const MINUTE = 60_000;
const DAY = 86_400_000;
/** The sweep before the bench ran at this instant: next reminders are stored as it left them. */
const LAST_SWEEP = new Date(NOW.getTime() - MINUTE);
/** Measured sweeps: one a minute from NOW, as the worker runs them. */
const MINUTES = 30;
/** Rows per INSERT: SQLite binds at most 32,766 parameters, PostgreSQL 65,535. */
const ROWS_PER_INSERT = { sqlite: 1000, postgresql: 2000 };

const say = (line: string) => process.stdout.write(`${line}\n`);

interface Rows {
  incidents: unknown[][];
  events: unknown[][];
  obligations: unknown[][];
  jobs: unknown[][];
}

const COLUMNS = {
  incident: ["id", "reference", "year", "number", "title", "severity", "status", "time_zone", "created_at", "updated_at"],
  clock_event: ["id", "incident_id", "code", "at", "zone", "recorded_at", "recorded_by"],
  obligation: [
    "id",
    "incident_id",
    "rule_id",
    "terms",
    "zone",
    "status",
    "due_at",
    "next_reminder_at",
    "next_reminder_slot",
    "applied_at",
    "applied_by",
    "updated_at",
  ],
  job: ["id", "kind", "key", "payload", "status", "run_at", "attempts", "max_attempts", "created_at", "updated_at"],
};

/** The fixture rows: each obligation's next reminder as the sweep at LAST_SWEEP stored it, and the job of its last slot. */
function fixtureRows(): Rows {
  const terms = JSON.stringify(findRule("AU-NDB-assess"));
  const rows: Rows = { incidents: [], events: [], obligations: [], jobs: [] };
  for (let i = 0; i < INCIDENTS; i++) {
    const id = `inc-${i}`;
    // Aware between 60 and 0 days ago, at any minute: deadlines from 30 days overdue to 30 days ahead.
    const awareAt = new Date(NOW.getTime() - Math.floor(((i * 7919) % 60_000) / 1000) * DAY - (i % 1440) * MINUTE);
    rows.incidents.push([
      id,
      `BD-2026-${i}`,
      2026,
      i + 1,
      `Incident ${i}`,
      "high",
      "investigating",
      "Australia/Sydney",
      NOW,
      NOW,
    ]);
    rows.events.push([`ce-${i}`, id, "aware_suspected_breach", awareAt, "Australia/Sydney", NOW, "bench"]);
    for (let r = 0; r < PER_INCIDENT; r++) {
      const obligationId = `ob-${i}-${r}`;
      // Spread over the minute too, so that every measured minute has some slots due.
      const dueAt = new Date(awareAt.getTime() + 30 * DAY + r * 3_600_000 + r * 11 * MINUTE);
      const window = { startAt: awareAt, dueAt };
      const last = dueReminderAt(window, LAST_SWEEP)?.latest;
      const next = nextReminderFor({ status: "pending", dueAt }, awareAt, { now: LAST_SWEEP, handled: last?.slot });
      rows.obligations.push([
        obligationId,
        id,
        RULE_IDS[r],
        terms,
        "Australia/Sydney",
        "pending",
        dueAt,
        next.nextReminderAt,
        next.nextReminderSlot,
        NOW,
        "bench",
        NOW,
      ]);
      if (last) {
        const key = reminderJobKey(obligationId, last.slot);
        rows.jobs.push([`job-${i}-${r}`, "reminders.send", key, "{}", "done", LAST_SWEEP, 1, 5, LAST_SWEEP, LAST_SWEEP]);
      }
    }
  }
  return rows;
}

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

function insertSql(table: string, columns: string[], count: number, mark: (n: number) => string): string {
  let n = 0;
  const tuples = Array.from({ length: count }, () => `(${columns.map(() => mark(++n)).join(", ")})`);
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`;
}

/** The raw baseline's query: the due rows by next_reminder_at, with what the sweep reads of each. */
const RAW_DUE = (mark: string) => `
  SELECT o."id", o."terms", o."due_at", o."next_reminder_at", o."next_reminder_slot",
         i."status", i."aware_at", i."detected_at", i."time_zone", ce."code", ce."at"
  FROM "obligation" o
  JOIN "incident" i ON i."id" = o."incident_id"
  LEFT JOIN "clock_event" ce ON ce."incident_id" = o."incident_id"
  WHERE o."status" = 'pending' AND o."next_reminder_at" <= ${mark}
  ORDER BY o."next_reminder_at", o."id"
  LIMIT ${SWEEP_BATCH}`;

interface Lane {
  label: string;
  url: string;
  /** Inserts the fixture rows in big transactions. */
  seed(rows: Rows): Promise<void>;
  /** The raw driver's select of the due rows at an instant; returns the row count. */
  rawDue(at: Date): Promise<number>;
  close(): Promise<void>;
}

function sqliteLane(file: string): Lane {
  const raw = new BetterSqlite3(file);
  let due: BetterSqlite3.Statement | undefined;
  const statements = new Map<string, BetterSqlite3.Statement>();
  const value = (v: unknown) => (v instanceof Date ? sqliteInstant(v) : v);
  return {
    label: "sqlite",
    url: `file:${file}`,
    async seed(rows) {
      raw.pragma("journal_mode = WAL");
      const insert = (table: keyof typeof COLUMNS, list: unknown[][]) => {
        for (const chunk of chunks(list, ROWS_PER_INSERT.sqlite)) {
          const sql = insertSql(table, COLUMNS[table], chunk.length, () => "?");
          const statement = statements.get(sql) ?? raw.prepare(sql);
          statements.set(sql, statement);
          statement.run(chunk.flat().map(value));
        }
      };
      raw.transaction(() => {
        insert("incident", rows.incidents);
        insert("clock_event", rows.events);
        insert("obligation", rows.obligations);
        insert("job", rows.jobs);
      })();
      raw.exec("ANALYZE");
    },
    async rawDue(at) {
      due ??= raw.prepare(RAW_DUE("?"));
      return due.all(sqliteInstant(at)).length;
    },
    async close() {
      raw.close();
    },
  };
}

function postgresLane(url: string): Lane {
  const client = new pg.Client({ connectionString: url });
  let isConnected = false;
  const connect = async () => {
    if (!isConnected) await client.connect();
    isConnected = true;
  };
  // timestamp(3) without zone holds UTC, as Prisma writes it.
  const value = (v: unknown) => (v instanceof Date ? v.toISOString().replace("Z", "") : v);
  return {
    label: "postgresql",
    url,
    async seed(rows) {
      await connect();
      await client.query("BEGIN");
      for (const [table, list] of [
        ["incident", rows.incidents],
        ["clock_event", rows.events],
        ["obligation", rows.obligations],
        ["job", rows.jobs],
      ] as const) {
        for (const chunk of chunks(list, ROWS_PER_INSERT.postgresql)) {
          await client.query(
            insertSql(table, COLUMNS[table], chunk.length, (n) => `$${n}`),
            chunk.flat().map(value),
          );
        }
      }
      await client.query("COMMIT");
      await client.query("ANALYZE");
    },
    async rawDue(at) {
      const result = await client.query({ name: "due-reminders", text: RAW_DUE("$1"), values: [value(at)] });
      return result.rowCount ?? 0;
    },
    async close() {
      if (isConnected) await client.end();
    },
  };
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

async function runLane(lane: Lane, cleanup: () => Promise<void>) {
  const started = performance.now();
  try {
    await migrateDatabase(lane.url);
    const rows = fixtureRows();
    const seeded = await time(() => lane.seed(rows));
    say(
      `${lane.label}: seeded ${INCIDENTS} incidents, ${rows.obligations.length} obligations, ${rows.jobs.length} reminder jobs in ${(seeded.ms / 1000).toFixed(1)} s`,
    );
    const db = await openDatabase(lane.url);
    try {
      // Warm both paths (connections, prepared statements, page cache) on an instant with nothing due.
      await lane.rawDue(LAST_SWEEP);
      await sweepReminders(db, LAST_SWEEP);
      const raws: number[] = [];
      const reads: number[] = [];
      const sweeps: number[] = [];
      const ratios: number[] = [];
      let due = 0;
      let enqueued = 0;
      for (let m = 0; m < MINUTES; m++) {
        const at = new Date(NOW.getTime() + m * MINUTE);
        const raw = await time(() => lane.rawDue(at));
        const read = await time(() => selectDueReminders(db, at, SWEEP_BATCH));
        const sweep = await time(() => sweepReminders(db, at));
        if (sweep.value.candidates !== raw.value)
          throw new Error(`raw saw ${raw.value} due rows, the sweep ${sweep.value.candidates}`);
        raws.push(raw.ms);
        reads.push(read.ms);
        sweeps.push(sweep.ms);
        ratios.push(sweep.ms / raw.ms);
        due += raw.value;
        enqueued += sweep.value.enqueued;
      }
      const idle = await time(() => lane.rawDue(NOW));
      const idleSweep = await time(() => sweepReminders(db, NOW));
      say(
        `${lane.label}: ${MINUTES} one-minute sweeps: ${due} due rows (${(due / MINUTES).toFixed(1)} a minute), ${enqueued} jobs scheduled`,
      );
      say(`${lane.label}: raw select of due rows  median ${median(raws).toFixed(2)} ms, total ${sum(raws).toFixed(1)} ms`);
      say(
        `${lane.label}: the sweep's read alone (one raw query through Prisma, with terms and clock events)  median ${median(reads).toFixed(2)} ms, ratio to raw ${(median(reads) / median(raws)).toFixed(2)}`,
      );
      say(
        `${lane.label}: sweep (select + schedule + advance)  median ${median(sweeps).toFixed(2)} ms, total ${sum(sweeps).toFixed(1)} ms, ${(sum(sweeps) / Math.max(1, due)).toFixed(3)} ms per due row`,
      );
      say(
        `${lane.label}: ratio sweep / raw  median ${median(ratios).toFixed(2)}, totals ${(sum(sweeps) / sum(raws)).toFixed(2)} (aim < 3)`,
      );
      say(
        `${lane.label}: nothing due (again at ${NOW.toISOString()}): raw ${idle.ms.toFixed(2)} ms, sweep ${idleSweep.ms.toFixed(2)} ms, ratio ${(idleSweep.ms / idle.ms).toFixed(2)}`,
      );
    } finally {
      await db.close();
    }
  } finally {
    await lane.close();
    await cleanup();
    say(`${lane.label}: whole lane ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "breachdesk-bench-"));
  const file = sqlitePathOf(`file:${join(dir, "bench.db")}`);
  await runLane(sqliteLane(file), async () => rmSync(dir, { recursive: true, force: true }));
  const server = process.env.TEST_DATABASE_URL;
  if (!server) {
    say("postgresql: skipped (set TEST_DATABASE_URL to run it)");
    return;
  }
  const scratch = await createScratchPostgresDatabase(server, "bd_bench");
  await runLane(postgresLane(scratch.url), scratch.remove);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
