import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { runImportCommand } from "../../src/cli/import-command.js";
import { loadConfig } from "../../src/config/config.js";
import { type RunningWorker, startWorker } from "../../src/jobs/worker.js";
import { systemClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/logger.js";
import type { Mailer } from "../../src/mail/mailer.js";
import { createSmtpMailer } from "../../src/mail/smtp-mailer.js";
import { cancelCampaign } from "../../src/modules/campaigns/campaigns.service.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { type NoticeSink, startNoticeSink, startTestCampaign, testManager } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

/** How long each idle stretch is watched, and the most queries a second it may issue (WORKER_POLL_MS 1000). */
const WATCH_MS = 4000;
const MAX_PER_SECOND = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Counts every SQL statement this process sends, at the drivers: each statement Prisma runs on
 * SQLite is prepared once (better-sqlite3's prepare; exec for scripts), each on PostgreSQL is one
 * pg query. Raw SQL of the dialect counts as any other; nothing is changed on the way.
 */
function countStatements() {
  const seen = new Map<string, number>();
  let total = 0;
  const note = (sql: unknown) => {
    total += 1;
    const text = String(typeof sql === "object" && sql !== null && "text" in sql ? sql.text : sql)
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 80);
    seen.set(text, (seen.get(text) ?? 0) + 1);
  };
  const sqlite = BetterSqlite3.prototype;
  const { prepare, exec } = sqlite;
  const { query } = pg.Client.prototype;
  sqlite.prepare = function (this: BetterSqlite3.Database, source: string) {
    note(source);
    return prepare.call(this, source);
  } as typeof prepare;
  sqlite.exec = function (this: BetterSqlite3.Database, source: string) {
    note(source);
    return exec.call(this, source);
  };
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    note(args[0]);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  return {
    reset() {
      total = 0;
      seen.clear();
    },
    get total() {
      return total;
    },
    /** The statements seen since the last reset, most frequent first: what a failure shows. */
    describe: () =>
      [...seen.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([sql, n]) => `${n} x ${sql}`)
        .join("\n"),
    restore() {
      sqlite.prepare = prepare;
      sqlite.exec = exec;
      pg.Client.prototype.query = query;
    },
  };
}

describe(`an idle worker issues a few queries a second, whatever it did before (${testLane})`, () => {
  let t: TestApp;
  let sink: NoticeSink;
  let mailer: Mailer;
  let worker: RunningWorker;
  let dir: string;
  const counter = countStatements();
  const previousUrl = process.env.DATABASE_URL;

  before(async () => {
    t = await createTestApp();
    // The worker runs on the system clock: campaigns start now, for their notices to be due.
    t.clock.set(new Date());
    sink = await startNoticeSink();
    mailer = createSmtpMailer({ url: sink.url, poolSize: 3, from: "Example Org <privacy@example.org>" });
    // The default poll interval (1 s); 100 notices a second, so a campaign of 600 is cancelled mid-send.
    const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: t.db.url, MAIL_RATE_PER_SECOND: "100" });
    worker = await startWorker({ config, db: t.db, logger: createLogger("silent"), clock: systemClock, mailer });
    dir = mkdtempSync(join(tmpdir(), "breachdesk-idle-"));
    process.env.DATABASE_URL = t.db.url;
  });
  after(async () => {
    counter.restore();
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    await worker.stop();
    await mailer.close();
    await sink.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Lets what was in flight settle, then counts the worker's statements over WATCH_MS with nothing to do. */
  async function assertIdle(what: string) {
    await sleep(1500);
    counter.reset();
    await sleep(WATCH_MS);
    const perSecond = (counter.total * 1000) / WATCH_MS;
    assert.ok(
      perSecond <= MAX_PER_SECOND,
      `after ${what}, an idle worker issued ${perSecond.toFixed(1)} queries a second (at most ${MAX_PER_SECOND}):\n${counter.describe()}`,
    );
  }

  async function statusOf(campaignId: string) {
    return (await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaignId } })).status;
  }

  it("after people were imported with breachdesk import", async () => {
    const incident = await addIncident(t);
    for (let f = 0; f < 3; f++) {
      const file = join(dir, `people-${f}.csv`);
      const rows = Array.from({ length: 300 }, (_, i) => `p${f}-${i}@example.org,Given${i},Family${i}`);
      writeFileSync(file, `email,given_name,family_name\n${rows.join("\n")}\n`);
      const quiet = { write: () => true };
      assert.equal(await runImportCommand(["--incident", incident.reference, file], { stdout: quiet, stderr: quiet }), 0);
    }
    assert.equal(await t.db.prisma.person.count({ where: { incidentId: incident.id } }), 900);
    await assertIdle("an import");
  });

  it("after a campaign was sent to the end", async () => {
    const { campaign } = await startTestCampaign(t, 150);
    for (let waited = 0; (await statusOf(campaign.id)) === "sending"; waited += 100) {
      assert.ok(waited < 30_000, "the campaign did not complete in 30 seconds");
      await sleep(100);
    }
    assert.equal(await statusOf(campaign.id), "completed");
    await assertIdle("a completed campaign");
  });

  it("after a campaign was cancelled while sending", async () => {
    const { campaign, deps, incident } = await startTestCampaign(t, 600);
    for (let waited = 0; sink.messages.length < 150 + 50; waited += 50) {
      assert.ok(waited < 30_000, "the campaign sent nothing in 30 seconds");
      await sleep(50);
    }
    await cancelCampaign(deps, incident.reference, campaign.id, testManager);
    const inFlight = () => t.db.prisma.delivery.count({ where: { campaignId: campaign.id, status: "sending" } });
    for (let waited = 0; (await inFlight()) > 0; waited += 100) {
      assert.ok(waited < 30_000, "notices in flight were not recorded in 30 seconds");
      await sleep(100);
    }
    const queued = await t.db.prisma.delivery.count({ where: { campaignId: campaign.id, status: "queued" } });
    assert.equal(queued, 0, "a cancelled campaign keeps no queued notice");
    assert.ok(sink.messages.length < 150 + 600, "the campaign was cancelled before it was all sent");
    await assertIdle("a cancelled campaign");
  });
});
