import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createSmtpMailer } from "../../src/mail/smtp-mailer.js";
import { countDeliveriesByStatus } from "../../src/modules/campaigns/campaigns.repository.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { runUntilSettled, startFlakyProxy, startNoticeSink, startTestCampaign, testSender } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";

/** A network between the worker and its relay that fails: nothing may be lost, and sending resumes by itself. */
describe(`delivery through a failing network (${testLane})`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it("loses nothing when the server drops connections mid-message: every notice is sent", async () => {
    const sink = await startNoticeSink();
    // Every connection is cut after 4 to 20 kB from the client (a notice is a few kB): each
    // carries a few messages, then drops one part-way.
    const proxy = await startFlakyProxy(sink.port, { cutAfterBytes: (n) => 4000 + ((n * 2789) % 16_000) });
    const mailer = createSmtpMailer({ url: proxy.url, poolSize: 2, from: "privacy@example.org" });
    try {
      const { campaign } = await startTestCampaign(t, 60);
      await runUntilSettled(t, testSender(t, mailer, { batchSize: 20, errorWindow: 1000 }), campaign.id, 2000);
      const rows = await t.db.prisma.delivery.findMany({ where: { campaignId: campaign.id } });
      assert.ok(proxy.cut >= 5, `connections were cut (${proxy.cut})`);
      assert.ok(sink.messages.length >= 60, `${sink.messages.length} messages arrived`);
      assert.deepEqual(new Set(rows.map((d) => d.status)), new Set(["sent"]));
      const received = new Set(sink.messages.map((m) => m.messageId));
      assert.deepEqual(
        rows.filter((d) => !received.has(d.messageId)).map((d) => d.email),
        [],
        "every notice reached the server",
      );
      assert.ok(
        rows.some((d) => d.attempts > 1),
        "some notices needed another try",
      );
    } finally {
      await mailer.close();
      await proxy.close();
      await sink.close();
    }
  });

  it("waits out a server that is down for a while, trying only a few notices meanwhile, then sends them all", async () => {
    const sink = await startNoticeSink();
    const proxy = await startFlakyProxy(sink.port);
    const mailer = createSmtpMailer({ url: proxy.url, poolSize: 2, from: "privacy@example.org" });
    try {
      const { campaign } = await startTestCampaign(t, 50);
      const sender = testSender(t, mailer, { batchSize: 10, concurrency: 2 });
      await proxy.goDown();
      for (let round = 0; round < 4; round++) {
        await sender.runOnce();
        t.clock.advance(20 * 60_000);
      }
      const whileDown = await t.db.prisma.delivery.findMany({ where: { campaignId: campaign.id, attempts: { gt: 0 } } });
      assert.ok(whileDown.length >= 2 && whileDown.length <= 8, `a few were tried while it was down (${whileDown.length})`);
      assert.ok(
        whileDown.every((d) => d.status === "queued" && d.smtpCode === null && /ECONNREFUSED|connect/i.test(d.smtpResponse)),
        "each is queued again with the connection error kept",
      );
      const counts = await countDeliveriesByStatus(t.db.prisma, campaign.id);
      assert.deepEqual(
        [counts.queued, counts.sending, counts.sent, counts.failed],
        [50, 0, 0, 0],
        "nothing is lost while it is down",
      );

      await proxy.comeBack();
      await runUntilSettled(t, sender, campaign.id);
      const done = await countDeliveriesByStatus(t.db.prisma, campaign.id);
      assert.equal(done.sent, 50);
      assert.equal(new Set(sink.messages.map((m) => m.messageId)).size, 50);
      assert.equal((await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status, "completed");
    } finally {
      await mailer.close();
      await proxy.close();
      await sink.close();
    }
  });
});
