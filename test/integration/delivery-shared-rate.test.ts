import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Mailer } from "../../src/mail/mailer.js";
import { createSmtpMailer } from "../../src/mail/smtp-mailer.js";
import { countDeliveriesByStatus } from "../../src/modules/campaigns/campaigns.repository.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { type NoticeSink, startNoticeSink, startTestCampaign, testSender } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";

const RATE = 20;
const RECIPIENTS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * MAIL_RATE_PER_SECOND is the deployment's, not each worker's (decision 0035): two workers
 * sharing a campaign on PostgreSQL take their tokens from one bucket row, so together they never
 * hand the relay more than a second's burst and then the rate, and both of them send.
 */
describe("delivery: two workers share the relay's rate on PostgreSQL", {
  skip: testLane !== "postgresql" && "PostgreSQL only: on SQLite one worker runs, with its bucket in memory",
}, () => {
  let t: TestApp;
  let sink: NoticeSink;
  let mailer: Mailer;
  before(async () => {
    t = await createTestApp();
    t.clock.set(new Date());
    sink = await startNoticeSink();
    mailer = createSmtpMailer({ url: sink.url, poolSize: 3, from: "Example Org <privacy@example.org>" });
  });
  after(async () => {
    await mailer.close();
    await sink.close();
    await t.close();
  });

  it(`sends ${RECIPIENTS} notices at no more than ${RATE} a second over both workers`, async () => {
    const { campaign } = await startTestCampaign(t, RECIPIENTS);
    // Each worker's sends, by the monotonic instant its notice was handed to the mailer (after its token).
    const handed: { worker: string; atMs: number }[] = [];
    const counting = (worker: string): Mailer => ({
      ...mailer,
      send: (mail) => {
        handed.push({ worker, atMs: performance.now() });
        return mailer.send(mail);
      },
    });
    // Small claims, so that neither worker can take the whole campaign in one claim before the
    // other has started (on a busy machine the first once did, and the second had nothing to send).
    const settings = { rate: { perSecond: RATE, perHour: 0 }, pollMs: 50, batchSize: 5 };
    const workers = ["worker-a", "worker-b"].map((id) => testSender(t, counting(id), settings, id));
    for (const worker of workers) worker.start();
    try {
      const deadline = performance.now() + 60_000;
      while (handed.length < RECIPIENTS && performance.now() < deadline) await sleep(50);
      // Wait for the last results to be recorded.
      await sleep(200);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const counts = await countDeliveriesByStatus(t.db.prisma, campaign.id);
    assert.equal(counts.sent, RECIPIENTS, JSON.stringify(counts));
    assert.equal(sink.messages.length, RECIPIENTS);
    assert.ok(handed.some((h) => h.worker === "worker-a") && handed.some((h) => h.worker === "worker-b"), "both workers sent");
    // By any instant, at most the burst (one second's worth, granted to either worker) plus the
    // rate since the first send; the slack is the few tokens a take may still hold. Each worker
    // with its own bucket would reach twice this.
    const first = handed[0]!.atMs;
    handed.forEach((h, index) => {
      const allowed = RATE + (RATE * (h.atMs - first)) / 1000 + 2;
      assert.ok(
        index + 1 <= allowed,
        `${index + 1} notices sent ${Math.round(h.atMs - first)} ms after the first (at most ${allowed.toFixed(1)})`,
      );
    });
    const seconds = (handed.at(-1)!.atMs - first) / 1000;
    assert.ok(seconds >= (RECIPIENTS - RATE) / RATE - 0.5, `took ${seconds.toFixed(2)} s`);
  });
});
