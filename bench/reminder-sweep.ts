// Benchmark (not a test): the reminder sweep over 10,000 open incidents with 5 pending
// obligations each, against a raw query that selects only the candidate rows (pending, dueAt in
// the sweep's window, incident open, with their clock start). Run: npx tsx bench/reminder-sweep.ts
// SQLite always; PostgreSQL too when TEST_DATABASE_URL is set. Aim: warm sweep < 3x raw.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Database, openDatabase } from "../src/db/client.js";
import { sqliteInstant } from "../src/db/dialect.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { findRule } from "../src/modules/deadlines/rule-pack.js";
import { sweepReminders } from "../src/modules/reminders/reminder.sweep.js";
import { dueReminderAt, MAX_LEAD_MS, MAX_OVERDUE_MS, reminderJobKey } from "../src/modules/reminders/reminder-policy.js";

const INCIDENTS = 10_000;
const PER_INCIDENT = 5;
const RULE_IDS = ["AU-NDB-assess", "AU-NDB-notify-1", "AU-NDB-notify-2", "AU-NDB-notify-3", "AU-NDB-notify-4"];
const NOW = new Date("2026-03-02T09:00:00.000Z");
const DAY = 86_400_000;
/** Share of obligations whose due reminder is not yet scheduled: a minute's worth of new slots. */
const NEW_SHARE = 0.01;
const ROWS_PER_INSERT = 500;

const say = (line: string) => process.stdout.write(`${line}\n`);

async function bulkInsert(db: Database, table: string, columns: string[], rows: unknown[][]) {
  const at = (v: unknown) => (v instanceof Date ? (db.kind === "sqlite" ? sqliteInstant(v) : v) : v);
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const marks = row.map((value) => {
        params.push(at(value));
        return db.kind === "sqlite" ? "?" : `$${params.length}`;
      });
      return `(${marks.join(", ")})`;
    });
    // Bench only: inserts fixture rows in bulk, no locks beyond the insert itself.
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`,
      ...params,
    );
  }
}

async function seed(db: Database) {
  const terms = JSON.stringify(findRule("AU-NDB-assess"));
  const incidents: unknown[][] = [];
  const events: unknown[][] = [];
  const obligations: unknown[][] = [];
  const jobs: unknown[][] = [];
  for (let i = 0; i < INCIDENTS; i++) {
    const id = `inc-${i}`;
    // Aware between 60 and 0 days ago: deadlines from 30 days overdue to 30 days ahead.
    const awareAt = new Date(NOW.getTime() - Math.floor(((i * 7919) % 60_000) / 1000) * DAY - (i % 1440) * 60_000);
    incidents.push([id, `BD-2026-${i}`, 2026, i + 1, `Incident ${i}`, "high", "investigating", "Australia/Sydney", NOW, NOW]);
    events.push([`ce-${i}`, id, "aware_suspected_breach", awareAt, "Australia/Sydney", NOW, "bench"]);
    for (let r = 0; r < PER_INCIDENT; r++) {
      const obligationId = `ob-${i}-${r}`;
      const dueAt = new Date(awareAt.getTime() + 30 * DAY + r * 3_600_000);
      obligations.push([obligationId, id, RULE_IDS[r], terms, "Australia/Sydney", "pending", dueAt, NOW, "bench", NOW]);
      const due = dueReminderAt({ startAt: awareAt, dueAt }, NOW);
      if (due && (i * PER_INCIDENT + r) % Math.round(1 / NEW_SHARE) !== 0) {
        const key = reminderJobKey(obligationId, due.latest.slot);
        jobs.push([`job-${i}-${r}`, "reminders.send", key, "{}", "done", NOW, 1, 5, NOW, NOW]);
      }
    }
  }
  await bulkInsert(
    db,
    "incident",
    ["id", "reference", "year", "number", "title", "severity", "status", "time_zone", "created_at", "updated_at"],
    incidents,
  );
  await bulkInsert(db, "clock_event", ["id", "incident_id", "code", "at", "zone", "recorded_at", "recorded_by"], events);
  await bulkInsert(
    db,
    "obligation",
    ["id", "incident_id", "rule_id", "terms", "zone", "status", "due_at", "applied_at", "applied_by", "updated_at"],
    obligations,
  );
  await bulkInsert(
    db,
    "job",
    ["id", "kind", "key", "payload", "status", "run_at", "attempts", "max_attempts", "created_at", "updated_at"],
    jobs,
  );
  return jobs.length;
}

async function rawSelect(db: Database) {
  const from = new Date(NOW.getTime() - MAX_OVERDUE_MS);
  const to = new Date(NOW.getTime() + MAX_LEAD_MS);
  const p = (d: Date) => (db.kind === "sqlite" ? sqliteInstant(d) : d);
  const mark = (n: number) => (db.kind === "sqlite" ? "?" : `$${n}`);
  // Bench baseline: reads only the candidate rows and their clock start; changes nothing.
  const rows = await db.prisma.$queryRawUnsafe<unknown[]>(
    `SELECT o."id", o."incident_id", o."due_at", ce."at" FROM "obligation" o
     JOIN "incident" i ON i."id" = o."incident_id"
     LEFT JOIN "clock_event" ce ON ce."incident_id" = o."incident_id" AND ce."code" = 'aware_suspected_breach'
     WHERE o."status" = 'pending' AND o."due_at" >= ${mark(1)} AND o."due_at" <= ${mark(2)}
       AND i."status" NOT IN ('closed', 'closed_not_notifiable')`,
    p(from),
    p(to),
  );
  return rows.length;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

async function runLane(label: string, url: string, cleanup: () => Promise<void>) {
  try {
    await migrateDatabase(url);
    const db = await openDatabase(url);
    try {
      const seeded = await time(() => seed(db));
      say(
        `${label}: seeded ${INCIDENTS} incidents, ${INCIDENTS * PER_INCIDENT} obligations, ${seeded.value} reminders already scheduled, in ${(seeded.ms / 1000).toFixed(1)} s`,
      );
      if (db.kind === "postgresql") await db.prisma.$executeRawUnsafe("ANALYZE");
      await rawSelect(db); // warm the page cache for both
      const raw = await time(() => rawSelect(db));
      const cold = await time(() => sweepReminders(db, NOW));
      const warm = await time(() => sweepReminders(db, new Date(NOW.getTime() + 1000)));
      const raw2 = await time(() => rawSelect(db));
      const rawMs = Math.min(raw.ms, raw2.ms);
      say(`${label}: raw select   ${rawMs.toFixed(1)} ms (${raw.value} candidate rows)`);
      say(
        `${label}: sweep, cold  ${cold.ms.toFixed(1)} ms (first in the process: reads every candidate's terms; scheduled ${cold.value.enqueued}, skipped ${cold.value.skipped})`,
      );
      say(`${label}: sweep, warm  ${warm.ms.toFixed(1)} ms (every minute after; scheduled ${warm.value.enqueued})`);
      say(
        `${label}: ratio warm sweep / raw = ${(warm.ms / rawMs).toFixed(2)} (aim < 3); cold / raw = ${(cold.ms / rawMs).toFixed(2)}`,
      );
    } finally {
      await db.close();
    }
  } finally {
    await cleanup();
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "breachdesk-bench-"));
  await runLane("sqlite", `file:${join(dir, "bench.db")}`, async () => rmSync(dir, { recursive: true, force: true }));
  const server = process.env.TEST_DATABASE_URL;
  if (!server) {
    say("postgresql: skipped (set TEST_DATABASE_URL to run it)");
    return;
  }
  const name = `bd_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  await runLane("postgresql", url.toString(), async () => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
