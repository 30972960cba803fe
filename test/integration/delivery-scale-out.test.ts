import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { projectRoot } from "../../src/lib/paths.js";
import { countDeliveriesByStatus } from "../../src/modules/campaigns/campaigns.repository.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { type NoticeSink, startNoticeSink, startTestCampaign, tallyAgainstCount } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";

/**
 * 5,000 recipients: enough for both workers to claim batches all through the campaign. The issue's
 * figure, 20,000, is `npm run test:scale` (DELIVERY_SCALE_RECIPIENTS sets any other).
 */
const RECIPIENTS = Number(process.env.DELIVERY_SCALE_RECIPIENTS ?? 5_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// On SQLite one worker runs at a time (a second is refused: test/integration/worker-guard.test.ts).
describe(`delivery: two worker processes share a ${RECIPIENTS}-recipient campaign on PostgreSQL`, {
  skip: testLane !== "postgresql" && "PostgreSQL only: on SQLite one worker runs",
}, () => {
  let t: TestApp;
  let sink: NoticeSink;
  const workers: ChildProcess[] = [];
  before(async () => {
    t = await createTestApp();
    t.clock.set(new Date());
    sink = await startNoticeSink();
  });
  after(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
    await sink.close();
    await t.close();
  });

  function startWorkerProcess(): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", "src/worker.ts"], {
      cwd: projectRoot,
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        NODE_ENV: "test",
        LOG_LEVEL: "error",
        DATABASE_URL: t.db.url,
        SMTP_URL: sink.url,
        SMTP_POOL_SIZE: "3",
        MAIL_RATE_PER_SECOND: "0",
        WORKER_POLL_MS: "100",
      },
    });
    workers.push(child);
    return child;
  }

  it("notifies each recipient exactly once, the work shared by both", { timeout: 600_000 }, async () => {
    const { campaign } = await startTestCampaign(t, RECIPIENTS);
    startWorkerProcess();
    startWorkerProcess();
    for (let waited = 0; ; waited += 200) {
      const { status } = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
      if (status === "completed") break;
      assert.ok(
        workers.every((w) => w.exitCode === null),
        "a worker stopped",
      );
      assert.ok(waited < 480_000, "the campaign did not complete in eight minutes");
      await sleep(200);
    }
    for (const worker of workers) worker.kill("SIGTERM");

    const counts = await countDeliveriesByStatus(t.db.prisma, campaign.id);
    assert.deepEqual([counts.sent, counts.total], [RECIPIENTS, RECIPIENTS]);
    const { counted, tallied } = await tallyAgainstCount(t.db);
    assert.deepEqual(tallied, counted, "the tally kept by the database agrees with a count of the deliveries");
    const ids = sink.messages.map((m) => m.messageId);
    assert.equal(ids.length, RECIPIENTS, "one message per recipient reached the server");
    assert.equal(new Set(ids).size, RECIPIENTS, "no Message-ID twice");
    const byWorker = await t.db.prisma.delivery.groupBy({
      by: ["claimedBy"],
      where: { campaignId: campaign.id },
      _count: { _all: true },
    });
    assert.equal(byWorker.length, 2, "both workers sent notices");
    console.log(`scale-out: ${byWorker.map((w) => w._count._all).join(" and ")} notices sent by the two workers`);
  });
});
