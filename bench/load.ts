// Benchmark (not a test): the web server under load. CLIENTS signed-in clients for SECONDS,
// half reading pages (the incident, its people, its ledger) and half writing (timeline events
// and notes, through the form), each one request after another, against an incident of PEOPLE
// people and as many deliveries (a campaign fanned out, then cancelled), and the same load on an
// empty incident in the same run (the baseline; the ratio is of the p95). Then the server's CPU
// while idle. The server is `src/server.ts` in a process of its own on 127.0.0.1 (worker inside).
// Run: npm run bench:load (BENCH_PEOPLE=20000 BENCH_SECONDS=5 for a quicker run; BENCH_CLIENTS,
// BENCH_IDLE_SECONDS; BENCH_CPU_PROF, below); SQLite, and PostgreSQL when TEST_DATABASE_URL is set
// (BENCH_DATABASES=sqlite or postgresql for one of them).
// Targets: no answer over 5 s, no error (no refusal for a busy database), idle CPU < 1% of a core.
// What is timed is what a user waits for: from the request being sent, on the client's own
// kept-alive connection (node:http, one socket a client, as a browser tab), to the last byte of
// the answer. Every client signs in and loads each page it will ask for once before the clock
// starts. The server's own view (bench/server-probe.ts: its time per request from the parsed
// headers to the answer, and its event loop's delay) is printed beside it, so a wait that is not
// the server's would show.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../src/config/config.js";
import { openDatabase } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { systemClock } from "../src/lib/clock.js";
import { createLogger } from "../src/lib/logger.js";
import { projectRoot } from "../src/lib/paths.js";
import { createCatcherMailer } from "../src/mail/catcher-mailer.js";
import { cancelCampaign, createCampaign, sendCampaignNow } from "../src/modules/campaigns/campaigns.service.js";
import { noticeRendering } from "../src/modules/campaigns/notice-rendering.service.js";
import { ensureBuiltInCategories } from "../src/modules/data-categories/data-categories.service.js";
import { createIncident } from "../src/modules/incidents/incidents.service.js";
import { createUser } from "../src/modules/users/users.service.js";
import { addNoticeTemplate, addPeople, campaignInput } from "../test/helpers/campaigns.js";
import { incidentInput } from "../test/helpers/incidents.js";
import { createScratchPostgresDatabase } from "../test/helpers/scratch-database.js";
import { readProbe, type ServerProbe, signIn } from "./load-client.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 200_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
const LIMIT_MS = 5000;
const PASSWORD = "correct horse battery staple";
const actor = { userId: null, label: "bench", ip: null };
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const KINDS = ["incident page", "people page", "ledger", "timeline event", "note"] as const;
type Kind = (typeof KINDS)[number];
interface Figures {
  times: Record<Kind, number[]>;
  errors: Record<Kind, string[]>;
  /** The server's own log lines at level error (pino's 50 and above), for the errors' causes. */
  serverErrors: string[];
  idleCpuPercent: number;
  server: ServerProbe;
  /** Requests each client made, readers and writers. */
  perClient: { readers: number[]; writers: number[] };
}

/** A migrated database with a manager and an incident; with `people`, that many people and a cancelled campaign to all. */
async function prepare(kind: "sqlite" | "postgresql", people: number) {
  let target: { url: string; remove(): Promise<void> };
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "bench-load-"));
    target = { url: `file:${join(dir, "bench.db")}`, remove: async () => rmSync(dir, { recursive: true, force: true }) };
  } else target = await createScratchPostgresDatabase(process.env.TEST_DATABASE_URL!, "bd_bench");
  await migrateDatabase(target.url);
  const db = await openDatabase(target.url);
  const config = loadConfig({
    NODE_ENV: "production",
    DATABASE_URL: target.url,
    LOG_LEVEL: "silent",
    // The bench's manager reads the incident as any user of a deployment without need-to-know
    // would: restricted by default (decision 0030), its pages answered every client 404.
    INCIDENTS_DEFAULT_ACCESS: "open",
  });
  const deps = {
    config,
    db,
    clock: systemClock,
    logger: createLogger("silent"),
    mailer: createCatcherMailer({ db, from: config.MAIL_FROM, clock: systemClock }),
  };
  try {
    await ensureBuiltInCategories(db);
    const email = "manager@example.org";
    await createUser(deps, { method: "password", email, name: "Bench Manager", role: "manager", password: PASSWORD }, actor);
    const incident = await createIncident(deps, incidentInput(), actor);
    if (people > 0) {
      const started = performance.now();
      const { templateId } = await addNoticeTemplate(db, incident.id);
      await addPeople(db, incident.id, people);
      const campaignDeps = { ...deps, rendering: noticeRendering };
      const { campaign } = await createCampaign(campaignDeps, incident.reference, campaignInput(templateId), actor);
      await sendCampaignNow(campaignDeps, incident.reference, campaign.id, actor);
      await cancelCampaign(campaignDeps, incident.reference, campaign.id, actor);
      const deliveries = await db.prisma.delivery.count({ where: { incidentId: incident.id } });
      say(
        `  seeded ${people.toLocaleString("en")} people and ${deliveries.toLocaleString("en")} deliveries (a cancelled campaign) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    return { ...target, email, reference: incident.reference };
  } finally {
    await db.close();
  }
}

/** `npm start`'s server on 127.0.0.1, on a port the system picks; resolves with its address once it listens. */
function startServer(url: string): Promise<ServerProcess> {
  const probe = pathToFileURL(join(projectRoot, "bench/server-probe.ts")).href;
  // BENCH_CPU_PROF=<folder>: the server writes a CPU profile there when it stops (node --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [];
  return startServerProcess([...profile, "--import", "tsx", "--import", probe, "src/server.ts"], {
    ...process.env,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    DATABASE_URL: url,
    HOST: "127.0.0.1",
    PORT: "0",
    SESSION_SECRET: randomBytes(32).toString("hex"),
  });
}

/** CLIENTS clients for SECONDS, one request after another; then the server's CPU while idle. */
async function load(url: string, email: string, reference: string): Promise<Figures> {
  const { child, base, output } = await startServer(url);
  const times = Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as Figures["times"];
  const errors = Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as Figures["errors"];
  try {
    const ref = encodeURIComponent(reference);
    const clients = [];
    for (let i = 0; i < CLIENTS; i++) clients.push(await signIn(base, email, PASSWORD));
    const pathOf: Record<Kind, string> = {
      "incident page": `/incidents/${ref}`,
      "people page": `/incidents/${ref}/people`,
      ledger: `/incidents/${ref}/ledger`,
      "timeline event": `/incidents/${ref}/events`,
      note: `/incidents/${ref}/events`,
    };
    // Before the clock: every client loads each page it will ask for (readers) or the form's
    // page (writers, for the CSRF token), so templates are compiled, connections open and
    // caches warm, as in a server that has been running; the probe then starts from zero.
    await Promise.all(
      clients.map(async (client, i) => {
        if (i % 2 === 1) await client.readToken(`/incidents/${ref}/events`);
        else for (const kind of KINDS.slice(0, 3)) await client.request(pathOf[kind]);
      }),
    );
    await readProbe(child);
    const perClient = { readers: [] as number[], writers: [] as number[] };
    const deadline = performance.now() + SECONDS * 1000;
    await Promise.all(
      clients.map(async (client, i) => {
        const isWriter = i % 2 === 1;
        let count = 0;
        for (let n = i; performance.now() < deadline; n++, count++) {
          const kind: Kind = isWriter ? (n % 2 ? "timeline event" : "note") : KINDS[n % 3]!;
          const started = performance.now();
          try {
            const res = !isWriter
              ? await client.request(pathOf[kind])
              : await client.form(pathOf[kind], {
                  kind: kind === "note" ? "note" : "containment",
                  description: `Load ${i}.${n}: ${kind === "note" ? "a note" : "a host isolated"}`,
                  occurredAt: "2026-03-01 10:00",
                  occurredAtZone: "UTC",
                  visibility: "internal",
                });
            const expected = isWriter ? 303 : 200;
            if (res.status !== expected) errors[kind].push(`${res.status}: ${res.text.replace(/\s+/g, " ").slice(0, 160)}`);
          } catch (error) {
            errors[kind].push(error instanceof Error ? error.message : String(error));
          }
          times[kind].push(performance.now() - started);
        }
        perClient[isWriter ? "writers" : "readers"].push(count);
      }),
    );
    const server = await readProbe(child);
    for (const client of clients) client.close();
    await sleep(3000);
    const serverErrors = output()
      .split("\n")
      .filter((line) => /"level":(5|6)\d/.test(line));
    return { times, errors, serverErrors, idleCpuPercent: await idleCpu(child.pid!), server, perClient };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

/** The process's CPU time (user and system) over IDLE_SECONDS as a share of one core, from /proc. */
async function idleCpu(pid: number): Promise<number> {
  const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  const ticks = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return Number(fields[11]) + Number(fields[12]);
  };
  const before = ticks();
  await sleep(IDLE_SECONDS * 1000);
  return ((ticks() - before) / ticksPerSecond / IDLE_SECONDS) * 100;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const ms = (value: number) => String(Math.round(value)).padStart(6);

function report(loaded: Figures, empty: Figures) {
  say(`  ${"kind".padEnd(15)} requests  p50 ms  p95 ms  max ms errors | empty: p50    p95    max | p95 ratio`);
  for (const kind of KINDS) {
    const [l, e] = [loaded.times[kind], empty.times[kind]];
    say(
      `  ${kind.padEnd(15)} ${String(l.length).padStart(8)}  ${ms(percentile(l, 50))}  ${ms(percentile(l, 95))}  ${ms(Math.max(...l))} ${String(loaded.errors[kind].length).padStart(6)} |    ${ms(percentile(e, 50))} ${ms(percentile(e, 95))} ${ms(Math.max(...e))} | ${(percentile(l, 95) / percentile(e, 95)).toFixed(1)}`,
    );
  }
  for (const [label, figures] of [
    ["loaded", loaded],
    ["empty", empty],
  ] as const) {
    const side = Object.entries(figures.server.times)
      .map(
        ([method, t]) => `${method} ${ms(percentile(t, 50)).trim()}/${ms(percentile(t, 95)).trim()}/${ms(Math.max(...t)).trim()}`,
      )
      .join(", ");
    const [d, c] = [figures.server.loopDelay ?? { p50: Number.NaN, p99: Number.NaN, max: Number.NaN }, figures.perClient];
    const range = (v: number[]) => `${Math.min(...v)}-${Math.max(...v)}`;
    say(
      `  ${label}: server's own time p50/p95/max ms: ${side}; event loop delay p50/p99/max ${d.p50}/${d.p99}/${d.max} ms; requests per client: readers ${range(c.readers)}, writers ${range(c.writers)}`,
    );
  }
  const all = KINDS.flatMap((k) => loaded.times[k]);
  const errors = KINDS.flatMap((k) => loaded.errors[k]);
  const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
  for (const { sql, n, ms: total } of loaded.server.statements.slice(0, 5)) {
    say(`    SQLite ${String(total).padStart(6)} ms in ${String(n).padStart(5)} runs: ${sql}`);
  }
  say(`  slowest answer ${Math.round(Math.max(...all))} ms (target <= ${LIMIT_MS}): ${verdict(Math.max(...all) <= LIMIT_MS)}`);
  say(`  errors ${errors.length} (target 0): ${verdict(errors.length === 0)}`);
  for (const error of [...new Set(errors)].slice(0, 5)) say(`    ${error}`);
  for (const line of loaded.serverErrors.slice(0, 3)) say(`    server: ${line.slice(0, 400)}`);
  say(
    `  idle CPU of the server over ${IDLE_SECONDS} s after the load: ${loaded.idleCpuPercent.toFixed(2)}% of a core (empty: ${empty.idleCpuPercent.toFixed(2)}%; target < 1%): ${verdict(loaded.idleCpuPercent < 1)}`,
  );
}

async function run(kind: "sqlite" | "postgresql") {
  say(
    `\n${kind}: ${CLIENTS} clients (half reading, half writing) for ${SECONDS} s; ${PEOPLE.toLocaleString("en")} people against none`,
  );
  const full = await prepare(kind, PEOPLE);
  const bare = await prepare(kind, 0);
  try {
    const empty = await load(bare.url, bare.email, bare.reference);
    const loaded = await load(full.url, full.email, full.reference);
    report(loaded, empty);
  } finally {
    await full.remove();
    await bare.remove();
  }
}

const databases = (process.env.BENCH_DATABASES ?? "sqlite,postgresql").split(",");
if (databases.includes("sqlite")) await run("sqlite");
if (databases.includes("postgresql") && process.env.TEST_DATABASE_URL) await run("postgresql");
else if (databases.includes("postgresql")) say("\npostgresql: skipped (set TEST_DATABASE_URL=postgresql://... to run it)");
