import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Job } from "../../src/generated/sqlite/client.js";
import { newId } from "../../src/lib/ids.js";
import { createLogger } from "../../src/lib/logger.js";
import { createSmtpMailer } from "../../src/mail/smtp-mailer.js";
import { settleSendingCampaigns } from "../../src/modules/campaigns/campaign-automation.service.js";
import { CAMPAIGN_FAN_OUT, campaignFanOutJob } from "../../src/modules/campaigns/campaign-fan-out.job.js";
import { countDeliveriesByStatus } from "../../src/modules/campaigns/campaigns.repository.js";
import { cancelCampaign } from "../../src/modules/campaigns/index.js";
import { createTestApp, signedIn, type TestApp } from "../helpers/app.js";
import { startNoticeSink, startTestCampaign, tallyAgainstCount, testManager, testSender } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";

/**
 * A campaign whose audience is larger than CAMPAIGN_FAN_OUT_BATCH (7 here): the start writes the
 * first batch of deliveries, the worker's job the rest, a batch a transaction (decision 0040).
 */
describe(`a campaign's deliveries written in batches (${testLane})`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ CAMPAIGN_FAN_OUT_BATCH: "7" });
  });
  after(() => t.close());

  const fanOutJobOf = (campaignId: string) =>
    t.db.prisma.job.findFirstOrThrow({ where: { kind: CAMPAIGN_FAN_OUT, key: `${CAMPAIGN_FAN_OUT}:${campaignId}` } });
  const runJob = (job: Job, signal = new AbortController().signal) =>
    campaignFanOutJob.handler(campaignFanOutJob.schema.parse(JSON.parse(job.payload)), {
      ...t.deps,
      job,
      logger: createLogger("silent"),
      signal,
    });
  const automation = () => ({ db: t.db, clock: t.clock, logger: createLogger("silent") });
  const personIdsOf = async (campaignId: string) =>
    (await t.db.prisma.delivery.findMany({ where: { campaignId }, select: { personId: true } })).map((d) => d.personId);

  it("writes the first batch at the start and the rest in the worker; the campaign completes only after the last", async () => {
    const sink = await startNoticeSink();
    const mailer = createSmtpMailer({ url: sink.url, poolSize: 2, from: "Example Org <privacy@example.org>" });
    try {
      const { incident, campaign } = await startTestCampaign(t, 30, (i) => ({ email: i === 4 ? null : undefined }));
      const started = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
      assert.equal((await countDeliveriesByStatus(t.db.prisma, campaign.id)).total, 7, "the start writes one batch");
      assert.equal(started.fanOutTotal, 30);
      assert.notEqual(started.fanOutAfter, null);
      const start = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { entityId: campaign.id, action: "campaign.start" } });
      assert.deepEqual([JSON.parse(start.after!).recipients, JSON.parse(start.after!).writtenAtStart], [30, 7]);

      // The page and the API say how far the writing is.
      const viewer = await signedIn(t, "viewer");
      const page = await viewer.agent.get(`/incidents/${incident.reference}/campaigns/${campaign.id}`);
      assert.match(page.text, /Writing the deliveries: <strong>7<\/strong> of 30 people so far/);

      // What is written goes out at once; the campaign waits for the rest.
      const sender = testSender(t, mailer, { batchSize: 5 });
      while ((await sender.runOnce()) > 0);
      assert.equal(sink.messages.length, 7);
      assert.equal((await settleSendingCampaigns(automation(), t.clock.now())).completed, 0);
      assert.equal((await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status, "sending");

      await runJob(await fanOutJobOf(campaign.id));
      const done = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
      assert.equal(done.fanOutAfter, null);
      const people = await personIdsOf(campaign.id);
      assert.equal(people.length, 30);
      assert.equal(new Set(people).size, 30, "each person once");
      const counts = await countDeliveriesByStatus(t.db.prisma, campaign.id);
      assert.deepEqual([counts.sent, counts.queued, counts.excluded], [7, 22, 1]);
      const fannedOut = await t.db.prisma.auditEntry.findFirstOrThrow({
        where: { entityId: campaign.id, action: "campaign.fanned_out" },
      });
      assert.deepEqual(
        [fannedOut.actorLabel, JSON.parse(fannedOut.after!).written, JSON.parse(fannedOut.after!).excluded],
        ["system", 30, 1],
      );
      assert.doesNotMatch(
        (await viewer.agent.get(`/incidents/${incident.reference}/campaigns/${campaign.id}`)).text,
        /Writing the deliveries/,
      );

      while ((await sender.runOnce()) > 0);
      await settleSendingCampaigns(automation(), t.clock.now());
      assert.equal((await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status, "completed");
      assert.equal(sink.messages.length, 29, "everyone with an address, once");
      const { counted, tallied } = await tallyAgainstCount(t.db);
      assert.deepEqual(tallied, counted);
    } finally {
      await mailer.close();
      await sink.close();
    }
  });

  it("leaves out people recorded after the start, and two runs at once write each person once", async () => {
    const { incident, campaign } = await startTestCampaign(t, 25);
    const later = new Date(t.clock.now().getTime() + 60_000);
    await t.db.prisma.person.createMany({
      data: [0, 1, 2].map((i) => ({
        id: newId(),
        incidentId: incident.id,
        uniqueKey: `zz-later-${i}`,
        givenName: "Later",
        familyName: `Person${i}`,
        email: `later${i}@example.org`,
        emailNormalized: `later${i}@example.org`,
        createdAt: later,
        updatedAt: later,
      })),
    });
    const job = await fanOutJobOf(campaign.id);
    await Promise.all([runJob(job), runJob(job)]);
    const people = await personIdsOf(campaign.id);
    assert.equal(people.length, 25);
    assert.equal(new Set(people).size, 25);
    assert.equal(await t.db.prisma.auditEntry.count({ where: { entityId: campaign.id, action: "campaign.fanned_out" } }), 1);
  });

  it("stops writing when the campaign is cancelled, and a run stopped by the worker fails to be tried again", async () => {
    const { incident, campaign, deps } = await startTestCampaign(t, 20);
    const job = await fanOutJobOf(campaign.id);
    const stopped = new AbortController();
    stopped.abort(new Error("the worker is stopping"));
    await assert.rejects(runJob(job, stopped.signal), /stopped before the last batch; the next try continues after/);
    assert.equal((await personIdsOf(campaign.id)).length, 7, "nothing written by a stopped run");

    await cancelCampaign(deps, incident.reference, campaign.id, testManager);
    await runJob(job);
    const cancelled = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    assert.equal(cancelled.fanOutAfter, null);
    const counts = await countDeliveriesByStatus(t.db.prisma, campaign.id);
    assert.deepEqual([counts.total, counts.cancelled], [7, 7], "no delivery written after the cancel");
    assert.equal(await t.db.prisma.auditEntry.count({ where: { entityId: campaign.id, action: "campaign.fan_out_stopped" } }), 1);
  });
});
