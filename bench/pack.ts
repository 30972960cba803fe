// Benchmark (not a test): the evidence pack of an incident with BENCH_DELIVERIES deliveries
// (default 1,000,000) and as many people, built by the real command (`bin/breachdesk.js
// evidence-pack --include-personal-data`) in a process of its own, whose peak RSS (VmHWM,
// read by a preload as the process exits) covers everything it did: loading the command line,
// migrations, reading the records and streaming the pack. Against a raw baseline in the same
// run: the same ledger rows read with the raw driver a page at a time and written as CSV to a
// plain file (its process loads none of the app). Run: npm run bench:pack
// (BENCH_DELIVERIES=100000 for a quicker run); SQLite always, PostgreSQL too when
// TEST_DATABASE_URL is set (BENCH_LANE=postgresql for that lane alone). Target (issue 15): the
// pack's peak RSS < 300 MB, with no cap on V8's heap.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { projectRoot } from "../src/lib/paths.js";

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 1_000_000);
const say = (line: string) => process.stdout.write(`${line}\n`);
const actor = { userId: null, label: "bench", ip: null };
/**
 * This process's peak RSS: VmHWM of /proc/self/status, which starts again at exec. (Not
 * resourceUsage().maxRSS: Linux carries the parent's peak over fork and exec into it.)
 */
function peakRss(): number {
  const line = readFileSync("/proc/self/status", "utf8").match(/^VmHWM:\s+(\d+) kB$/m);
  return line ? Number(line[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The app's modules, loaded when first needed: the raw baseline's child loads none of them. */
async function app() {
  const [{ loadConfig }, { openDatabase }, { systemClock }, { createLogger }, { createCatcherMailer }, pack] = await Promise.all([
    import("../src/config/config.js"),
    import("../src/db/client.js"),
    import("../src/lib/clock.js"),
    import("../src/lib/logger.js"),
    import("../src/mail/catcher-mailer.js"),
    import("../src/modules/evidence-pack/index.js"),
  ]);
  type Db = Awaited<ReturnType<typeof openDatabase>>;
  const depsOf = (url: string, db: Db, dir: string) => {
    const config = loadConfig({
      NODE_ENV: "production",
      DATABASE_URL: url,
      RUN_WORKER: "false",
      EVIDENCE_DIR: join(dir, "evidence"),
    });
    const mailer = createCatcherMailer({ db, from: "bench@example.org", clock: systemClock });
    return { config, db, clock: systemClock, logger: createLogger("silent"), mailer };
  };
  return { openDatabase, depsOf, ...pack };
}

/** The incident, a notice and a campaign through the app; the people and deliveries by one INSERT ... SELECT each. */
async function seed(url: string, dir: string): Promise<string> {
  // Imported here, not at the top: the children measure only what building a pack loads.
  const { migrateDatabase } = await import("../src/db/migrate.js");
  const { newId } = await import("../src/lib/ids.js");
  const { ensureBuiltInCategories } = await import("../src/modules/data-categories/data-categories.service.js");
  const { createIncident } = await import("../src/modules/incidents/incidents.service.js");
  const { addNoticeTemplate } = await import("../test/helpers/campaigns.js");
  const { incidentInput } = await import("../test/helpers/incidents.js");
  const { openDatabase, depsOf } = await app();
  await migrateDatabase(url);
  const db = await openDatabase(url);
  try {
    await ensureBuiltInCategories(db);
    const deps = depsOf(url, db, dir);
    const incident = await createIncident(deps, incidentInput(), actor);
    const { templateId, versionIds } = await addNoticeTemplate(db, incident.id);
    const campaignId = newId();
    const now = new Date("2026-03-02T09:00:00Z");
    await db.prisma.campaign.create({
      data: {
        id: campaignId,
        incidentId: incident.id,
        name: "Notice",
        templateId,
        versionIds: JSON.stringify(versionIds),
        status: "completed",
        createdAt: now,
        updatedAt: now,
        startedAt: now,
        finishedAt: now,
      },
    });
    const version = Object.values(versionIds)[0]!;
    const started = Date.now();
    const sqlite = db.kind === "sqlite";
    // Rows numbered by a recursive CTE (SQLite) or generate_series (PostgreSQL); instants as each stores them.
    const series = sqlite
      ? `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${DELIVERIES}) SELECT i FROM n`
      : `SELECT i FROM generate_series(1, ${DELIVERIES}) AS i`;
    const at = sqlite ? `'2026-03-02T09:00:00.000+00:00'` : `TIMESTAMP '2026-03-02 09:00:00'`;
    const pad = sqlite ? "printf('%07d', i)" : "lpad(i::text, 7, '0')";
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "person" ("id", "incident_id", "unique_key", "given_name", "family_name", "email", "email_normalized", "language", "country", "region", "warnings", "attributes", "notes", "risk_set_by", "created_at", "updated_at")
       SELECT 'p' || ${pad}, '${incident.id}', 'key-' || i, 'Given' || i, 'Family' || i, 'person' || i || '@example.org', 'person' || i || '@example.org', 'en', 'AU', 'AU-NSW', '{}', '{}', '', '', ${at}, ${at} FROM (${series}) AS s`,
    );
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "delivery" ("id", "campaign_id", "incident_id", "person_id", "email", "email_normalized", "full_name", "country", "region", "language", "template_version_id", "channel", "status", "attempts", "message_id", "smtp_code", "smtp_response", "exclusion_reason", "queued_at", "sent_at", "updated_at", "told_note", "reclaims")
       SELECT 'd' || ${pad}, '${campaignId}', '${incident.id}', 'p' || ${pad}, 'person' || i || '@example.org', 'person' || i || '@example.org', 'Given' || i || ' Family' || i, 'AU', 'AU-NSW', 'en', '${version}', 'email', 'sent', 1, '<d' || ${pad} || '@example.org>', 250, '250 2.0.0 Ok: queued as ' || i, '', ${at}, ${at}, ${at}, '', 0 FROM (${series}) AS s`,
    );
    // As after a real import and campaign (both refresh them): the planner's statistics of the bulk-filled tables.
    const { refreshPlannerStatistics } = await import("../src/db/planner-statistics.js");
    await refreshPlannerStatistics(db, "person");
    await refreshPlannerStatistics(db, "delivery");
    say(`  seeded ${DELIVERIES.toLocaleString("en")} people and deliveries in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return incident.reference;
  } finally {
    await db.close();
  }
}

/**
 * The real command in a process of its own: `breachdesk evidence-pack --json`, with a preload
 * that writes the process's VmHWM to stderr as it exits (whatever ends it).
 */
function runPackCommand(url: string, reference: string, out: string, dir: string) {
  return new Promise<{ ms: number; peakRss: number; bytes: number; files: number }>((resolve, reject) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [
        "--import",
        join(projectRoot, "bench/peak-rss-at-exit.mjs"),
        join(projectRoot, "bin/breachdesk.js"),
        "evidence-pack",
        "--incident",
        reference,
        "--out",
        out,
        "--include-personal-data",
        "--json",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, DATABASE_URL: url, EVIDENCE_DIR: join(dir, "evidence"), RUN_WORKER: "false", LOG_LEVEL: "silent" },
      },
    );
    let stdout = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (err += c));
    child.on("exit", (code) => {
      const peak = err.match(/^peak-rss (\d+)$/m);
      if (code !== 0 || !peak) return reject(new Error(`evidence-pack exited ${code}: ${stdout}${err}`));
      const outcome = JSON.parse(stdout.trim().split("\n").at(-1)!) as { bytes: number; files: number };
      resolve({ ms: Date.now() - started, peakRss: Number(peak[1]), bytes: outcome.bytes, files: outcome.files });
    });
  });
}

/** In the child: the raw baseline: the same rows, keyset pages of 2,000 with the raw driver, CSV lines to a plain file. */
async function childRaw(url: string, out: string) {
  const started = Date.now();
  const file = createWriteStream(out);
  const write = async (text: string) => {
    if (!file.write(text)) await once(file, "drain");
  };
  // The same condition and order as the pack's pages: one range of the index delivery(incident_id, queued_at, id).
  const sql = (p1: string, p2: string) =>
    `SELECT id, campaign_id, person_id, full_name, email, country, region, language, template_version_id, channel, status, attempts, reclaims, queued_at, sent_at, failed_at, told_at, smtp_code, smtp_response, message_id, exclusion_reason, told_note FROM delivery WHERE incident_id = (SELECT id FROM incident LIMIT 1) AND (queued_at, id) > (${p1}, ${p2}) ORDER BY queued_at, id LIMIT 2000`;
  const line = (r: Record<string, unknown>) =>
    `${Object.values(r)
      .map((v) => (v instanceof Date ? v.toISOString() : (v ?? "")))
      .join(",")}\r\n`;
  let last: [unknown, unknown] = ["", ""];
  if (url.startsWith("file:")) {
    const db = new Sqlite(url.slice("file:".length), { readonly: true });
    const page = db.prepare(sql("@q", "@i"));
    for (
      let rows = page.all({ q: last[0], i: last[1] }) as Record<string, unknown>[];
      rows.length;
      rows = page.all({ q: last[0], i: last[1] }) as Record<string, unknown>[]
    ) {
      await write(rows.map(line).join(""));
      last = [rows.at(-1)!.queued_at, rows.at(-1)!.id];
    }
    db.close();
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    last = [new Date(0), ""];
    for (;;) {
      const { rows } = await client.query(sql("$1", "$2"), last);
      if (!rows.length) break;
      await write(rows.map(line).join(""));
      last = [rows.at(-1)!.queued_at, rows.at(-1)!.id];
    }
    await client.end();
  }
  file.end();
  await once(file, "finish");
  say(JSON.stringify({ ms: Date.now() - started, peakRss: peakRss(), bytes: statSync(out).size }));
}

/** The raw baseline in a child process: {ms, peakRss, bytes}. */
function runChild(args: string[]): Promise<{ ms: number; peakRss: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(projectRoot, "bench/pack.ts"), ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c));
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(`child exited ${code}: ${out}`)),
    );
  });
}

async function benchLane(kind: "sqlite" | "postgresql") {
  const dir = mkdtempSync(join(tmpdir(), "bench-pack-"));
  const scratch =
    kind === "sqlite"
      ? { url: `file:${join(dir, "bench.db")}`, remove: async () => {} }
      : await (await import("../test/helpers/scratch-database.js")).createScratchPostgresDatabase(
          process.env.TEST_DATABASE_URL!,
          "bd_bench",
        );
  try {
    say(`${kind}:`);
    const reference = await seed(scratch.url, dir);
    const raw = await runChild(["raw", scratch.url, join(dir, "raw.csv")]);
    const pack = await runPackCommand(scratch.url, reference, join(dir, "pack.zip"), dir);
    say(
      `  raw baseline (driver pages -> CSV file): ${(raw.ms / 1000).toFixed(1)} s, peak RSS ${mb(raw.peakRss)}, ${mb(raw.bytes)} CSV`,
    );
    say(
      `  breachdesk evidence-pack (personal data): ${(pack.ms / 1000).toFixed(1)} s, peak RSS ${mb(pack.peakRss)}, ${mb(pack.bytes)} zip, ${pack.files} files`,
    );
    say(
      `  ratios pack/raw: time ${(pack.ms / raw.ms).toFixed(2)}, peak RSS ${(pack.peakRss / raw.peakRss).toFixed(2)}; peak RSS target < 300 MB: ${pack.peakRss < 300 * 1024 * 1024 ? "met" : "NOT MET"}`,
    );
  } finally {
    rmSync((await app()).packKeyPath({ DATABASE_URL: scratch.url }), { force: true });
    await scratch.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "raw") await childRaw(args[0]!, args[1]!);
else {
  say(`Evidence pack of an incident with ${DELIVERIES.toLocaleString("en")} deliveries`);
  // BENCH_LANE=postgresql runs that lane alone.
  if (process.env.BENCH_LANE !== "postgresql") await benchLane("sqlite");
  if (process.env.TEST_DATABASE_URL) await benchLane("postgresql");
}
