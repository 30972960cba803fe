// Benchmark (not a test): a campaign sent through the whole pipeline (fan-out, claims, render,
// SMTP pool, recorded results) against a bare nodemailer pool sending the same pre-rendered
// messages (its rate measured before and after the pipeline, over at most BENCH_BARE_MESSAGES),
// both to one local SMTP sink (bench/send-sink.ts, a process of its own); the start through the
// web process (src/server.ts, spawned: its readiness check and fan-out timed, its peak RSS
// reported); the campaign page's response time while the campaign sends and the ledger's pages
// at the end, served by that process.
// Run: npm run bench:send (BENCH_RECIPIENTS=20000 for a quicker run); SQLite always, PostgreSQL
// too when TEST_DATABASE_URL is set (BENCH_LANE=sqlite or postgresql for one), where the same
// people then get a campaign sent by one worker process and by BENCH_WORKERS (2; 0 for none) of
// them. BENCH_CPU_PROFILE=<folder> writes a CPU profile of each timed phase. Targets: pipeline
// >= 0.9 of the bare rate; campaign page p95 < 100 ms during the send; ledger pages p95 < 50 ms;
// each process's peak RSS < 300 MB at a million people (issue 18).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import nodemailer from "nodemailer";
import { loadConfig } from "../src/config/config.js";
import { type Database, openDatabase } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { refreshPlannerStatistics } from "../src/db/planner-statistics.js";
import type { Deps } from "../src/deps.js";
import { systemClock } from "../src/lib/clock.js";
import { newId } from "../src/lib/ids.js";
import { createLogger } from "../src/lib/logger.js";
import { projectRoot } from "../src/lib/paths.js";
import { type TextEncoding, textEncodingOf } from "../src/mail/mailer.js";
import { createSmtpMailer, openNoDelaySocket } from "../src/mail/smtp-mailer.js";
import {
  continueFanOut,
  createCampaign,
  createCampaignSender,
  noticeRendering,
  sendCampaignNow,
  senderSettingsOf,
} from "../src/modules/campaigns/index.js";
import { ensureBuiltInCategories } from "../src/modules/data-categories/data-categories.service.js";
import { createIncident } from "../src/modules/incidents/incidents.service.js";
import { defaultHeadings, sectionKeys, serializeContent } from "../src/modules/notices/index.js";
import { campaignInput } from "../test/helpers/campaigns.js";
import { incidentInput } from "../test/helpers/incidents.js";
import { ensureOrganisationSender } from "../test/helpers/organisation.js";
import { createScratchPostgresDatabase } from "../test/helpers/scratch-database.js";
import { builtEntry, startWebProcess, type WebProcess } from "./send-page.js";

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
/** Worker processes of the PostgreSQL run's shared campaign (BENCH_WORKERS=4 for four). */
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const POOL_SIZE = 5;
/**
 * The bare pool's rate is measured over at most this many messages (BENCH_BARE_MESSAGES): a
 * rate, the same over 100,000 as over a million, and an hour saved at a million.
 */
const BARE_MESSAGES = Number(process.env.BENCH_BARE_MESSAGES ?? 100_000);
/** Messages the bare baseline keeps in flight: what the pipeline's sender does with a pool of 5. */
const BARE_WINDOW = POOL_SIZE * 4;
const FROM = "Example Org <privacy@example.org>";
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const actor = { userId: null, label: "bench", ip: null };

interface Sink {
  port: number;
  /** Messages received so far, and their bytes. */
  count(): Promise<{ messages: number; bytes: number }>;
  stop(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", join(projectRoot, "bench/send-sink.ts")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: Interface = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const port = Number(await next());
  return {
    port,
    async count() {
      const answer = next();
      child.stdin!.write("count\n");
      const [messages, bytes] = (await answer).split(" ").map(Number);
      return { messages: messages!, bytes: bytes! };
    },
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.stdin!.end();
      }),
  };
}

async function freshDatabase(kind: "sqlite" | "postgresql") {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "bench-send-"));
    return { url: `file:${join(dir, "bench.db")}`, remove: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const scratch = await createScratchPostgresDatabase(process.env.TEST_DATABASE_URL!, "bd_bench");
  return scratch;
}

/** The i-th seeded person's address: one in 50 has none. */
const emailOf = (i: number) => (i % 50 === 49 ? null : `person${i}@example${i % 97}.org`);
/** The i-th seeded person's language: one in five reads French. */
const languageOf = (i: number) => (i % 5 === 0 ? "fr" : "en");

/** An incident, a notice in English and French, and RECIPIENTS people (one in 50 without an address). */
async function seed(deps: Deps) {
  const incident = await createIncident(deps, incidentInput(), actor);
  const now = new Date();
  // A campaign does not start without the organisation's sender (decision 0010).
  await ensureOrganisationSender(deps.db);
  await deps.db.prisma.incidentDataCategory.create({
    data: { incidentId: incident.id, categoryId: "email_address", details: "", createdAt: now, updatedAt: now },
  });
  const templateId = newId();
  await deps.db.prisma.noticeTemplate.create({
    data: { id: templateId, incidentId: incident.id, name: "Notice", createdAt: now, updatedAt: now },
  });
  for (const language of ["en", "fr"]) {
    const sections = Object.fromEntries(
      sectionKeys.map((key) => [key, `Dear {{first_name}},\n\nAbout {{incident_reference}} (${key}): ${"words ".repeat(60)}`]),
    ) as Record<(typeof sectionKeys)[number], string>;
    await deps.db.prisma.noticeTemplateVersion.create({
      data: {
        id: newId(),
        templateId,
        incidentId: incident.id,
        language,
        version: 1,
        subject: "About {{incident_reference}}, {{first_name}}",
        sections: serializeContent({
          sections,
          headings: defaultHeadings(),
          details: { organisation: "Example Org", contactEmail: "privacy@example.org", contactPhone: "+61 2 5550 0000" },
          checkedItems: [],
        }),
        createdAt: now,
      },
    });
  }
  for (let from = 0; from < RECIPIENTS; from += 5000) {
    const rows = [];
    for (let i = from; i < Math.min(RECIPIENTS, from + 5000); i++) {
      const email = emailOf(i);
      rows.push({
        id: newId(),
        incidentId: incident.id,
        uniqueKey: `k${i}`,
        givenName: `Given${i}`,
        familyName: "Family",
        email,
        emailNormalized: email,
        language: languageOf(i),
        country: "AU",
        region: "AU-NSW",
        createdAt: now,
        updatedAt: now,
      });
    }
    await deps.db.prisma.person.createMany({ data: rows });
  }
  // As the people import does when it commits (import.service.ts): without it, PostgreSQL plans
  // the readiness check's keyset pages from no statistics (a sort of every person, each page).
  await refreshPlannerStatistics(deps.db, "person");
  return { incident, templateId };
}

/**
 * The bare baseline: pre-rendered messages through a nodemailer pool, BARE_WINDOW in flight, one
 * to each seeded person with an address, in their language (the pipeline's mix of notices).
 */
async function sendBare(
  port: number,
  samples: Record<string, { subject: string; html: string; text: string; textEncoding: TextEncoding }>,
  count = BARE_MESSAGES,
) {
  const people = Array.from({ length: RECIPIENTS }, (_, i) => i)
    .filter((i) => emailOf(i) !== null)
    .slice(0, count);
  // The same socket set-up as the app's SMTP pool (TCP_NODELAY: see smtp-mailer.ts), so the two
  // differ only by what the pipeline adds.
  const transport = nodemailer.createTransport({
    pool: true,
    host: "127.0.0.1",
    port,
    secure: false,
    maxConnections: POOL_SIZE,
    ignoreTLS: true,
    getSocket: openNoDelaySocket,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let next = 0;
  const lane = async () => {
    for (let n = next++; n < people.length; n = next++) {
      const i = people[n]!;
      const sample = samples[languageOf(i)]!;
      await transport.sendMail({ from: FROM, to: emailOf(i)!, messageId: `<bare.${i}@example.org>`, ...sample });
    }
  };
  await Promise.all(Array.from({ length: BARE_WINDOW }, lane));
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = cpuMsSince(cpuBefore);
  transport.close();
  return { sent: people.length, seconds, cpuMs };
}

/** CPU time this process spent since `before` (user and system), in milliseconds. */
function cpuMsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/**
 * BENCH_CPU_PROFILE=<folder>: a CPU profile of each timed phase of this process (the bare pool,
 * the pipeline), written there as <lane>-<phase>.cpuprofile (open it in Chrome's DevTools, or
 * read it with node bench/profile-summary.mjs). Unset: nothing is recorded.
 */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const folder = process.env.BENCH_CPU_PROFILE;
  if (!folder) return work();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await work();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(join(folder, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * PostgreSQL's sizes once the campaign is sent (docs/SCALE.md): the person and delivery tables'
 * heaps and indexes, per row, each index of the delivery's, and how many updates were HOT.
 */
async function reportSizes(db: Database, deliveries: number) {
  const tables = await db.prisma.$queryRaw<
    { name: string; rows: bigint; heap: bigint; indexes: bigint; updates: bigint; hot: bigint }[]
  >`
    SELECT c.relname::text AS name, s.n_live_tup AS rows, pg_relation_size(c.oid) AS heap, pg_indexes_size(c.oid) AS indexes,
           s.n_tup_upd AS updates, s.n_tup_hot_upd AS hot
    FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname IN ('person', 'delivery')`;
  const deliveryRows = Number(tables.find((t) => t.name === "delivery")?.rows ?? deliveries);
  for (const t of tables) {
    const rows = Math.max(1, Number(t.rows));
    say(
      `  size, ${t.name}: ${Number(t.rows).toLocaleString("en")} rows, heap ${mib(Number(t.heap))} (${Math.round(Number(t.heap) / rows)} B a row), indexes ${mib(Number(t.indexes))} (${Math.round(Number(t.indexes) / rows)} B a row); ${Number(t.updates).toLocaleString("en")} updates, ${Number(t.hot).toLocaleString("en")} of them HOT`,
    );
  }
  const indexes = await db.prisma.$queryRaw<{ name: string; size: bigint }[]>`
    SELECT i.relname::text AS name, pg_relation_size(i.oid) AS size FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relname = 'delivery' ORDER BY pg_relation_size(i.oid) DESC`;
  say(
    `  size, delivery's indexes per delivery: ${indexes.map((i) => `${i.name} ${Math.round(Number(i.size) / Math.max(1, deliveryRows))} B`).join(", ")}`,
  );
}

/** This process's peak resident memory so far (VmHWM), in bytes. */
function peakRssOfThisProcess(): number {
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  return kb ? Number(kb) * 1024 : process.resourceUsage().maxRSS * 1024;
}

const pathOf = (url: URL) => `${url.pathname}${url.search}`;
const mib = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * A new campaign to the seeded people, sent by `workers` worker processes (src/worker.ts, compiled, as
 * `npm run worker` runs it, no rate limit) sharing it through the database; resolves to the
 * notices a second from the start of the send to the campaign's completion, and the largest peak
 * RSS among the worker processes.
 */
async function sendWithWorkers(
  deps: Deps & { rendering: typeof noticeRendering },
  reference: string,
  templateId: string,
  databaseUrl: string,
  sinkPort: number,
  workers: number,
): Promise<{ rate: number; peakRss: number }> {
  const { campaign } = await createCampaign(
    deps,
    reference,
    campaignInput(templateId, { name: `Bench, ${workers} workers` }),
    actor,
  );
  const children = Array.from({ length: workers }, () =>
    spawn(process.execPath, ["--import", join(projectRoot, "bench/peak-rss-at-exit.mjs"), builtEntry("worker")], {
      cwd: projectRoot,
      stdio: ["ignore", "ignore", "pipe"],
      env: {
        ...process.env,
        NODE_ENV: "production",
        LOG_LEVEL: "error",
        DATABASE_URL: databaseUrl,
        SMTP_URL: `smtp://127.0.0.1:${sinkPort}`,
        SMTP_POOL_SIZE: String(POOL_SIZE),
        MAIL_RATE_PER_SECOND: "0",
        MAIL_RATE_PER_HOUR: "0",
        WORKER_POLL_MS: "100",
      },
    }),
  );
  const peaks: number[] = [];
  for (const child of children) {
    // Their own errors go on to this process's; the peak-rss line at exit is kept.
    createInterface({ input: child.stderr! }).on("line", (line) => {
      const peak = /^peak-rss (\d+)$/.exec(line);
      if (peak) peaks.push(Number(peak[1]));
      else process.stderr.write(`${line}\n`);
    });
  }
  let rate = 0;
  try {
    // The workers boot (config, connect, migrations checked) before the send is timed.
    await sleep(8000);
    const started = await sendCampaignNow(deps, reference, campaign.id, actor);
    const queued = Number(started.details.queued);
    const at = performance.now();
    for (;;) {
      const { status } = await deps.db.prisma.campaign.findUniqueOrThrow({
        where: { id: campaign.id },
        select: { status: true },
      });
      if (status === "completed") break;
      if (children.some((c) => c.exitCode !== null)) throw new Error("a worker process stopped during the send");
      await sleep(100);
    }
    rate = queued / ((performance.now() - at) / 1000);
  } finally {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            c.once("exit", () => resolve());
            c.kill("SIGTERM");
          }),
      ),
    );
  }
  // The stderr lines of an exited process may still be on their way.
  await sleep(200);
  return { rate, peakRss: Math.max(...peaks) };
}

async function run(kind: "sqlite" | "postgresql") {
  say(`\n${kind}: ${RECIPIENTS.toLocaleString("en")} recipients`);
  const target = await freshDatabase(kind);
  await migrateDatabase(target.url);
  const db: Database = await openDatabase(target.url);
  const sink = await startSink();
  // production: compiled page templates are cached, as in a deployment.
  const config = loadConfig({
    NODE_ENV: "production",
    DATABASE_URL: target.url,
    SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
    SMTP_POOL_SIZE: String(POOL_SIZE),
    LOG_LEVEL: "silent",
    // The bench's user reads the incident as any user of a deployment without need-to-know would.
    INCIDENTS_DEFAULT_ACCESS: "open",
  });
  const mailer = createSmtpMailer({ url: config.SMTP_URL!, poolSize: POOL_SIZE, from: FROM });
  const deps: Deps = { config, db, mailer, clock: systemClock, logger: createLogger("silent") };
  let web: WebProcess | undefined;
  try {
    await ensureBuiltInCategories(db);
    let at = performance.now();
    const { incident, templateId } = await seed(deps);
    say(`  seeded in ${((performance.now() - at) / 1000).toFixed(1)} s`);

    const campaignDeps = { ...deps, rendering: noticeRendering };
    const { campaign } = await createCampaign(
      campaignDeps,
      incident.reference,
      campaignInput(templateId, { name: "Bench" }),
      actor,
    );
    // The start through the web process, as a manager does it: its confirmation page runs the
    // notice's checks over every person (the readiness check), then the start pins the versions,
    // checks again and fans out a delivery to each.
    web = await startWebProcess(deps, target.url, config.SMTP_URL!);
    const campaignPath = `/incidents/${encodeURIComponent(incident.reference)}/campaigns/${campaign.id}`;
    at = performance.now();
    const confirmation = await web.get(`${campaignPath}/start`);
    if (confirmation.status !== 200) throw new Error(`the start's confirmation page answered ${confirmation.status}`);
    say(`  readiness check (the start's confirmation page, every person): ${((performance.now() - at) / 1000).toFixed(2)} s`);
    const webMemory = (after: string) => {
      const { rss, peak } = web!.memory();
      say(`    web process after ${after}: RSS ${mib(rss)}, peak so far ${mib(peak)}`);
    };
    webMemory("the readiness check");
    at = performance.now();
    const started = await web.submit(confirmation.text, `${campaignPath}/start`, { when: "now" });
    if (started.status !== 303) throw new Error(`the start answered ${started.status}: ${started.text.slice(0, 500)}`);
    const startSeconds = (performance.now() - at) / 1000;
    const writtenAtStart = await db.prisma.delivery.count({ where: { campaignId: campaign.id } });
    say(
      `  start (checks again, pins versions, writes the first ${writtenAtStart.toLocaleString("en")} deliveries): ${startSeconds.toFixed(2)} s`,
    );
    webMemory("the start");
    // The rest of the fan-out, as a worker's job writes it (decision 0040): a batch of
    // CAMPAIGN_FAN_OUT_BATCH a transaction. Timed alone here; in a deployment the worker sends
    // what is written meanwhile.
    at = performance.now();
    const fanOutDeps = {
      db,
      clock: systemClock,
      logger: deps.logger,
      rendering: noticeRendering,
      messageIdDomain: senderSettingsOf(config).messageIdDomain,
      fanOutBatch: config.CAMPAIGN_FAN_OUT_BATCH,
    };
    const { batches } = await continueFanOut(fanOutDeps, campaign.id);
    const queued = await db.prisma.delivery.count({ where: { campaignId: campaign.id, status: "queued" } });
    const fannedOut = await db.prisma.delivery.count({ where: { campaignId: campaign.id } });
    say(
      `  the rest of the fan-out, in the worker: ${batches} batch${batches === 1 ? "" : "es"} of up to ${config.CAMPAIGN_FAN_OUT_BATCH.toLocaleString("en")} in ${((performance.now() - at) / 1000).toFixed(2)} s; ${fannedOut.toLocaleString("en")} deliveries, ${queued.toLocaleString("en")} to send`,
    );

    // The baseline sends as many messages as the campaign has to send, each a notice rendered
    // beforehand in the recipient's language (the pipeline renders each one as it sends).
    const renderer = await noticeRendering.loadNoticeRenderer(
      db.prisma,
      incident.id,
      JSON.parse((await db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).versionIds),
    );
    // Each as the pipeline sends it: with the transfer encoding it chose for its version (decision 0037).
    const sampleIn = (language: string) => {
      const notice = renderer.render(
        {
          personId: "p",
          givenName: "Given1",
          familyName: "Family",
          email: "person1@example.org",
          externalId: null,
          language,
          country: "AU",
          region: "AU-NSW",
          categoryIds: null,
          attributes: {},
        },
        renderer.versionFor(language).id,
      );
      return { ...notice, textEncoding: textEncodingOf(notice.text + notice.html) };
    };
    const samples = { en: sampleIn("en"), fr: sampleIn("fr") };
    // Untimed: the mail code's first thousands of messages run before the JIT has compiled it,
    // which would make the first lane's baseline slower than the second's.
    await sendBare(sink.port, samples, 2000);
    const bare = await profiled(`${kind}-bare`, () => sendBare(sink.port, samples));
    const afterBare = await sink.count();
    say(
      `  bare nodemailer pool, before the pipeline: ${bare.sent.toLocaleString("en")} messages in ${bare.seconds.toFixed(1)} s = ${Math.round(bare.sent / bare.seconds)} messages/s, ${Math.round(afterBare.bytes / afterBare.messages)} bytes each, ${(bare.cpuMs / bare.sent).toFixed(2)} ms of CPU each`,
    );

    const sender = createCampaignSender({
      config,
      db,
      mailer,
      clock: systemClock,
      logger: deps.logger,
      workerId: "bench",
      rendering: noticeRendering,
      settings: { rate: { perSecond: 0, perHour: 0 } },
    });
    const before = await sink.count();
    const latencies: number[] = [];
    let isSending = true;
    const probe = (async () => {
      while (isSending) {
        const t0 = performance.now();
        const res = await web!.get(campaignPath);
        if (res.status !== 200) throw new Error(`the campaign page answered ${res.status}`);
        latencies.push(performance.now() - t0);
        // Two page loads a second: a few people watching (the page itself refreshes every 5 s).
        await sleep(500);
      }
    })();
    at = performance.now();
    const cpuBefore = process.cpuUsage();
    await profiled(`${kind}-pipeline`, async () => {
      sender.start();
      for (;;) {
        const { status } = await db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { status: true } });
        if (status === "completed") break;
        // Often enough to time the end within a tenth of a second; rarely enough not to load the process measured.
        await sleep(100);
      }
    });
    const pipelineSeconds = (performance.now() - at) / 1000;
    const pipelineCpuMs = cpuMsSince(cpuBefore);
    isSending = false;
    await probe;
    await sender.stop();
    const after = await sink.count();
    const delivered = after.messages - before.messages;
    const pipelineRate = queued / pipelineSeconds;
    say(
      `  pipeline: ${queued.toLocaleString("en")} notices in ${pipelineSeconds.toFixed(1)} s = ${Math.round(pipelineRate)} notices/s (sink received ${delivered.toLocaleString("en")}, ${Math.round((after.bytes - before.bytes) / delivered)} bytes each), ${(pipelineCpuMs / queued).toFixed(2)} ms of CPU each (the page is served by the web process)`,
    );
    // The baseline again after the pipeline: the machine's speed drifts (a shared VM), so the
    // pipeline is compared with the mean of a baseline on either side of it.
    const bareAfter = await sendBare(sink.port, samples);
    say(
      `  bare nodemailer pool, after the pipeline: ${bareAfter.sent.toLocaleString("en")} messages in ${bareAfter.seconds.toFixed(1)} s = ${Math.round(bareAfter.sent / bareAfter.seconds)} messages/s, ${(bareAfter.cpuMs / bareAfter.sent).toFixed(2)} ms of CPU each`,
    );
    const bareRate = (bare.sent / bare.seconds + bareAfter.sent / bareAfter.seconds) / 2;
    say(`  ratio pipeline / bare (the mean of the two): ${(pipelineRate / bareRate).toFixed(2)} (target >= 0.9)`);
    webMemory("the campaign page during the send");
    say(
      `  campaign page during the send: ${latencies.length} requests, p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms (target < 100 ms)`,
    );
    // The ledger once everything is sent: its first page, the campaign's, a page deep in it, searches.
    const ledger = `/incidents/${encodeURIComponent(incident.reference)}/ledger`;
    const firstPage = (await web.get(`${ledger}?campaign=${campaign.id}`)).text;
    const deeper = /href="([^"]*after=[^"]*)"/.exec(firstPage)?.[1]?.replaceAll("&amp;", "&");
    for (const [label, url] of [
      ["first page", ledger],
      ["the campaign's first page", `${ledger}?campaign=${campaign.id}`],
      ["the next page", deeper ? pathOf(new URL(deeper, `${web.origin}${ledger}`)) : ledger],
      ["a search by address", `${ledger}?q=person4242`],
      ["a search by name", `${ledger}?q=given4242`],
    ] as const) {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        const res = await web.get(url);
        if (res.status !== 200) throw new Error(`the ledger answered ${res.status} for ${url}`);
        times.push(performance.now() - t0);
      }
      say(`  ledger, ${label}: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`);
    }
    webMemory("the ledger's pages");
    if (kind === "postgresql" && WORKERS > 0) {
      // Worker processes (src/worker.ts) sharing a new campaign to the same people: one, then
      // BENCH_WORKERS (2 unless set), against the same sink; each rate is against the bare pool's.
      const counts = [...new Set([1, Math.max(2, WORKERS)])];
      const rates = new Map<number, number>();
      for (const workers of counts) {
        const { rate, peakRss } = await sendWithWorkers(
          campaignDeps,
          incident.reference,
          templateId,
          target.url,
          sink.port,
          workers,
        );
        rates.set(workers, rate);
        say(
          `  ${workers} worker process${workers > 1 ? "es" : ""}: ${Math.round(rate)} notices/s, ${(rate / bareRate).toFixed(2)} of the bare pool${workers > 1 ? `, ${(rate / rates.get(1)!).toFixed(2)} times one worker process` : ""}; peak RSS of a worker process ${mib(peakRss)}`,
        );
      }
    }
    if (kind === "postgresql") await reportSizes(db, fannedOut);
    const webPeak = await web.stop();
    web = undefined;
    say(
      `  peak RSS: web process ${mib(webPeak)} (pages, readiness check, start and fan-out), this process ${mib(peakRssOfThisProcess())} (seeding, bare pool, in-process pipeline)`,
    );
  } finally {
    await web?.stop();
    await mailer.close();
    await sink.stop();
    await db.close();
    await target.remove();
  }
}

// BENCH_LANE=sqlite or postgresql runs that one alone.
const lane = process.env.BENCH_LANE ?? "";
if (lane !== "postgresql") await run("sqlite");
if (lane === "sqlite") say("\npostgresql: skipped (BENCH_LANE=sqlite)");
else if (process.env.TEST_DATABASE_URL) await run("postgresql");
else say("\npostgresql: skipped (set TEST_DATABASE_URL=postgresql://... to run it)");
