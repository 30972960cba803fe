import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { projectRoot } from "../../src/lib/paths.js";
import { countDeliveriesByStatus } from "../../src/modules/campaigns/campaigns.repository.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { type NoticeSink, seededRandom, startNoticeSink, startTestCampaign, tallyAgainstCount } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";

/**
 * Recipients of the crash test: 3,000, so five kills each land in a different part of the
 * campaign while the whole suite stays within CI's time on two shared cores. The figure,
 * 10,000, is `npm run test:scale` (DELIVERY_CRASH_RECIPIENTS sets any other).
 */
const RECIPIENTS = Number(process.env.DELIVERY_CRASH_RECIPIENTS ?? 3_000);
const KILLS = 5;
/** Short, so a killed worker's notices are taken over soon; a batch is sent well within it. */
const LEASE_SECONDS = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`delivery: the worker process killed with SIGKILL ${KILLS} times during a ${RECIPIENTS}-recipient campaign (${testLane})`, () => {
  let t: TestApp;
  let sink: NoticeSink;
  const children: ChildProcess[] = [];
  before(async () => {
    t = await createTestApp();
    // The workers run on the system clock: the campaign starts now, for its notices to be due.
    t.clock.set(new Date());
    sink = await startNoticeSink();
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await sink.close();
    await t.close();
  });

  /** Starts `npm run worker`'s entry in a process of its own and resolves once it says it runs. */
  async function startWorkerProcess(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", "src/worker.ts"], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NODE_ENV: "test",
        LOG_LEVEL: "error",
        DATABASE_URL: t.db.url,
        SMTP_URL: sink.url,
        SMTP_POOL_SIZE: "5",
        MAIL_RATE_PER_SECOND: "0",
        MAIL_LEASE_SECONDS: String(LEASE_SECONDS),
        WORKER_POLL_MS: "100",
      },
    });
    children.push(child);
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    for (let waited = 0; !output.includes("worker running"); waited += 50) {
      assert.ok(child.exitCode === null, `the worker exited: ${output}`);
      assert.ok(waited < 60_000, `the worker did not start in a minute: ${output}`);
      await sleep(50);
    }
    return child;
  }

  const sentCount = async (campaignId: string) => (await countDeliveriesByStatus(t.db.prisma, campaignId)).sent;

  it("sends every recipient after the restarts; only notices in flight at a kill are sent twice", {
    timeout: 600_000,
  }, async () => {
    const { campaign } = await startTestCampaign(t, RECIPIENTS);
    const random = seededRandom(RECIPIENTS);
    const inFlightAtKills: Set<string>[] = [];
    let worker = await startWorkerProcess();
    for (let kill = 1; kill <= KILLS; kill++) {
      // A random point in the kill's sixth of the campaign.
      const target = Math.floor((RECIPIENTS / (KILLS + 1)) * (kill - 0.5 + random()));
      for (let waited = 0; (await sentCount(campaign.id)) < target; waited += 20) {
        assert.ok(worker.exitCode === null, "the worker stopped by itself");
        assert.ok(waited < 120_000, `no progress to ${target} sent in two minutes`);
        await sleep(20);
      }
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.kill("SIGKILL");
      await exited;
      // What the dead worker held: the only notices that may reach the server twice.
      const held = await t.db.prisma.delivery.findMany({
        where: { campaignId: campaign.id, status: "sending" },
        select: { messageId: true },
      });
      inFlightAtKills.push(new Set(held.map((d) => d.messageId)));
      worker = await startWorkerProcess();
    }
    for (let waited = 0; ; waited += 100) {
      const { status } = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
      if (status === "completed") break;
      assert.ok(waited < 300_000, "the campaign did not complete in five minutes after the last restart");
      await sleep(100);
    }
    worker.kill("SIGTERM");

    const counts = await countDeliveriesByStatus(t.db.prisma, campaign.id);
    assert.deepEqual([counts.sent, counts.total], [RECIPIENTS, RECIPIENTS], "every recipient is sent");
    const { counted, tallied } = await tallyAgainstCount(t.db);
    assert.deepEqual(tallied, counted, "the tally kept by the database agrees with a count of the deliveries");
    const received = new Map<string, number>();
    for (const message of sink.messages) received.set(message.messageId, (received.get(message.messageId) ?? 0) + 1);
    const deliveries = await t.db.prisma.delivery.findMany({ where: { campaignId: campaign.id }, select: { messageId: true } });
    assert.deepEqual(deliveries.filter((d) => !received.has(d.messageId)).length, 0, "every notice reached the server");
    const duplicated = [...received].filter(([, n]) => n > 1).map(([id]) => id);
    const perKill = inFlightAtKills.map((held) => ({
      inFlight: held.size,
      sentTwice: duplicated.filter((id) => held.has(id)).length,
    }));
    const outside = duplicated.filter((id) => !inFlightAtKills.some((held) => held.has(id)));
    console.log(
      `crash test: ${RECIPIENTS} recipients, ${sink.messages.length} messages received, ${duplicated.length} sent twice; per kill: ${JSON.stringify(perKill)}`,
    );
    assert.deepEqual(outside, [], "a notice not in flight at a kill was sent twice");
    assert.equal(sink.messages.length, RECIPIENTS + duplicated.length, "no notice was sent three times");
  });
});
