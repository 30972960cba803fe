// Benchmark (not a test): importing a CSV of affected people, against the raw driver's bulk
// insert of the same rows in the same run (better-sqlite3: one prepared single-row INSERT in
// 10,000-row transactions; pg: 2,000-row multi-row INSERTs in 10,000-row transactions).
// The CSV has realistic variety: about 2% invalid rows, 1% duplicates (an earlier email in
// other case), quoted fields with commas, quotes and newlines, non-ASCII names.
// Run: npx tsx bench/import.ts (BENCH_ROWS=200000 for a quicker run); SQLite always,
// PostgreSQL too when TEST_DATABASE_URL is set. Runs ROWS/10 then ROWS, to show the time is
// proportional. Targets: import >= 0.3 of raw; peak RSS < 300 MB; per-row time within 20%.
import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { openDatabase, sqlitePathOf } from "../src/db/client.js";
import { sqliteInstant } from "../src/db/dialect.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { systemClock } from "../src/lib/clock.js";
import { importPeopleFile } from "../src/modules/people/import.service.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const say = (line: string) => process.stdout.write(`${line}\n`);
const mb = () => Math.round(process.resourceUsage().maxRSS / 1024);

const GIVEN = ["Zoë", "José", "Søren", "Łukasz", "Anaïs", "Björn", "Chloé", "Mary Ann", "Wei", "Aroha", "Siobhán", "Ngọc", "Ada"];
const FAMILY = ["Müller", "O'Brien", "García", "Nguyễn", "Smith", "Kowalski", "Brontë", "Tanaka", "Ngata", "Lovelace"];
const PLACES = [
  ["AU", "NSW", "en"],
  ["AU", "VIC", "en-AU"],
  ["Australia", "QLD", "en"],
  ["NZ", "", "mi"],
  ["US", "US-CA", "en-US"],
  ["GB", "", "en-GB"],
  ["DE", "", "de"],
  ["FR", "", "fr"],
  ["CA", "QC", "fr-CA"],
] as const;

interface GeneratedRow {
  csv: string;
  /** Null for the rows the import rejects or merges. */
  person: {
    email: string;
    given: string;
    family: string;
    phone: string;
    address: string;
    country: string;
    region: string;
    language: string;
    isAtRisk: boolean;
    since: string;
  } | null;
}

const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;

/** Row i of the file: deterministic, so the CSV and the raw baseline hold the same people. */
function generate(i: number): GeneratedRow {
  const given = GIVEN[i % GIVEN.length]!;
  const family = FAMILY[(i * 7) % FAMILY.length]!;
  const [country, state, language] = PLACES[i % PLACES.length]!;
  const email = `person${i}@example${i % 97}.org`;
  const phone = `+61 2 ${String(90000000 + i).slice(0, 4)} ${String(i % 10000).padStart(4, "0")}`;
  const address = i % 1000 === 0 ? `${i} "The Old Mill"\nHigh St, Sydney` : `${i} High St, Unit ${i % 20}, Springfield`;
  const since = String(2000 + (i % 25));
  const isAtRisk = i % 3 === 0;
  const fields = [email, given, family, phone, address, country, state, language, isAtRisk ? "yes" : "no", since];
  let person: GeneratedRow["person"] = {
    email,
    given,
    family,
    phone,
    address,
    country: country === "Australia" ? "AU" : country,
    region: state,
    language,
    isAtRisk,
    since,
  };
  if (i % 100 === 17) {
    fields[0] = `person${i}.example.org`; // invalid email
    person = null;
  } else if (i % 100 === 67) {
    fields[5] = "Atlantis"; // unknown country
    person = null;
  } else if (i % 100 === 50) {
    fields[0] = `PERSON${i - 1}@Example${(i - 1) % 97}.org`; // duplicate of the row before
    person = null;
  }
  return { csv: fields.map((f) => (/[",\n]/.test(f) ? quote(f) : f)).join(","), person };
}

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write("Email,First Name,Last Name,Phone,Postal Address,Country,State,Language,At Risk,Member Since\n");
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    chunk.push(generate(i).csv);
    if (chunk.length === 10_000 || i === rows - 1) {
      if (!out.write(`${chunk.join("\n")}\n`)) await new Promise<void>((done) => out.once("drain", () => done()));
      chunk = [];
    }
  }
  await new Promise<void>((done) => out.end(done));
}

/** The raw rows the import would write, in the person table's column order. */
function* rawRows(rows: number, now: Date | string): Generator<unknown[]> {
  for (let i = 0; i < rows; i++) {
    const p = generate(i).person;
    if (!p) continue;
    const attributes = JSON.stringify({ "Member Since": p.since });
    yield [
      randomUUID(),
      "incident-raw",
      `email:${p.email}`,
      null,
      p.given,
      p.family,
      p.email,
      p.email,
      p.phone,
      p.address,
      p.country,
      p.region,
      p.language,
      typeof now === "string" ? Number(p.isAtRisk) : p.isAtRisk,
      attributes,
      "import-raw",
      now,
      now,
    ];
  }
}

const COLUMNS =
  '"id", "incident_id", "unique_key", "external_id", "given_name", "family_name", "email", "email_normalized", "phone", "postal_address", "country", "region", "language", "is_at_risk", "attributes", "import_id", "created_at", "updated_at"';

function rawSqlite(url: string, rows: number): number {
  const db = new BetterSqlite3(sqlitePathOf(url));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const insert = db.prepare(`INSERT INTO "person" (${COLUMNS}) VALUES (${Array(18).fill("?").join(", ")})`);
  const insertMany = db.transaction((batch: unknown[][]) => {
    for (const row of batch) insert.run(row);
  });
  const started = performance.now();
  let batch: unknown[][] = [];
  let count = 0;
  for (const row of rawRows(rows, sqliteInstant(new Date()))) {
    batch.push(row);
    count++;
    if (batch.length === 10_000) {
      insertMany(batch);
      batch = [];
    }
  }
  insertMany(batch);
  const ms = performance.now() - started;
  db.close();
  return (count * 1000) / ms;
}

async function rawPostgres(url: string, rows: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  let batch: unknown[][] = [];
  let count = 0;
  const flush = async () => {
    if (!batch.length) return;
    await client.query("BEGIN");
    for (let from = 0; from < batch.length; from += 2000) {
      const part = batch.slice(from, from + 2000);
      const tuples = part.map((_, r) => `(${Array.from({ length: 18 }, (_, c) => `$${r * 18 + c + 1}`).join(", ")})`);
      await client.query(`INSERT INTO "person" (${COLUMNS}) VALUES ${tuples.join(", ")}`, part.flat());
    }
    await client.query("COMMIT");
    batch = [];
  };
  for (const row of rawRows(rows, new Date())) {
    batch.push(row);
    count++;
    if (batch.length === 10_000) await flush();
  }
  await flush();
  const ms = performance.now() - started;
  await client.end();
  return (count * 1000) / ms;
}

/** A fresh migrated database for one measurement, and how to remove it. */
async function freshDatabase(kind: "sqlite" | "postgresql", dir: string) {
  if (kind === "sqlite") {
    const url = `file:${join(dir, `${randomBytes(4).toString("hex")}.db`)}`;
    await migrateDatabase(url);
    return { url, remove: async () => {} };
  }
  const server = process.env.TEST_DATABASE_URL!;
  const name = `bd_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    url: url.toString(),
    remove: async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function measureImport(kind: "sqlite" | "postgresql", dir: string, file: string) {
  const fresh = await freshDatabase(kind, dir);
  const db = await openDatabase(fresh.url);
  try {
    await db.prisma.incident.create({
      data: {
        id: "incident-bench",
        reference: "BD-2026-0001",
        year: 2026,
        number: 1,
        title: "Bench",
        severity: "high",
        timeZone: "UTC",
      },
    });
    const started = performance.now();
    const summary = await importPeopleFile({ db, clock: systemClock }, { incidentId: "incident-bench", filePath: file });
    const ms = performance.now() - started;
    return { summary, ms, rate: (summary.read * 1000) / ms, writtenRate: ((summary.created + summary.updated) * 1000) / ms };
  } finally {
    await db.close();
    await fresh.remove();
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "breachdesk-bench-import-"));
  const kinds: ("sqlite" | "postgresql")[] = process.env.TEST_DATABASE_URL ? ["sqlite", "postgresql"] : ["sqlite"];
  try {
    const sizes = [Math.round(ROWS / 10), ROWS];
    const files = new Map<number, string>();
    for (const size of sizes) {
      const file = join(dir, `people-${size}.csv`);
      const started = performance.now();
      await writeCsv(file, size);
      files.set(size, file);
      say(`generated ${size.toLocaleString("en")} rows in ${Math.round(performance.now() - started)} ms`);
    }
    const results: string[] = [];
    let allMet = true;
    for (const kind of kinds) {
      const perRowMs: number[] = [];
      for (const size of sizes) {
        const run = await measureImport(kind, dir, files.get(size)!);
        const s = run.summary;
        perRowMs.push(run.ms / size);
        say(
          `${kind} import ${size.toLocaleString("en")} rows: ${Math.round(run.ms)} ms, ${Math.round(run.rate).toLocaleString("en")} rows/s read ` +
            `(created ${s.created}, duplicates ${s.duplicates}, rejected ${s.rejected} ${JSON.stringify(s.reasons)}), peak RSS so far ${mb()} MB`,
        );
        if (size === ROWS) {
          const rss = mb();
          const fresh = await freshDatabase(kind, dir);
          const raw = kind === "sqlite" ? rawSqlite(fresh.url, size) : await rawPostgres(fresh.url, size);
          await fresh.remove();
          const ratio = run.writtenRate / raw;
          const proportion = perRowMs[1]! / perRowMs[0]!;
          const met = ratio >= 0.3 && rss < 300 && Math.abs(proportion - 1) <= 0.2;
          allMet &&= met;
          results.push(
            `${kind}: import ${Math.round(run.rate).toLocaleString("en")} rows/s read, ${Math.round(run.writtenRate).toLocaleString("en")} people/s written; ` +
              `raw insert ${Math.round(raw).toLocaleString("en")} rows/s; ratio ${ratio.toFixed(2)} (target >= 0.30); ` +
              `peak RSS after the import ${rss} MB (target < 300); time per row ${size.toLocaleString("en")} vs ${sizes[0]!.toLocaleString("en")}: ${proportion.toFixed(2)}x (target within 20%)` +
              (met ? "" : "  <-- target missed"),
          );
        }
      }
    }
    say("");
    for (const line of results) say(line);
    if (!allMet) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
