import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readMigrations } from "../../src/db/migrate.js";
import type { Mailer } from "../../src/mail/mailer.js";
import { createSmtpMailer } from "../../src/mail/smtp-mailer.js";
import { countDeliveriesByStatus, countPossibleRepeats } from "../../src/modules/campaigns/campaigns.repository.js";
import { cancelCampaign, retryFailedDeliveries } from "../../src/modules/campaigns/index.js";
import { countByStatus } from "../../src/modules/ledger/ledger.repository.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import {
  type NoticeSink,
  runUntilSettled,
  startNoticeSink,
  startTestCampaign,
  tallyAgainstCount,
  testManager,
  testSender,
} from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";

/**
 * The tally of deliveries by campaign, channel and status that the database's triggers keep
 * (decision 0039), checked against a count of the rows after each kind of write the product
 * makes: the fan-out, a claim, a reclaim, results, a retry, a cancel, a recording of people told
 * another way, and a delete.
 */
describe(`the delivery tally, kept by the database (${testLane})`, () => {
  let t: TestApp;
  let sink: NoticeSink;
  let mailer: Mailer;
  before(async () => {
    t = await createTestApp();
    // Addresses with "refuse" are refused for good; "later" are refused once, then accepted.
    sink = await startNoticeSink({
      answer: (address, tries) =>
        address.startsWith("refuse")
          ? { code: 550, message: "5.1.1 No such user" }
          : address.startsWith("later") && tries === 1
            ? { code: 451, message: "4.3.0 Try again later" }
            : null,
    });
    mailer = createSmtpMailer({ url: sink.url, poolSize: 2, from: "Example Org <privacy@example.org>" });
  });
  after(async () => {
    await mailer.close();
    await sink.close();
    await t.close();
  });

  async function assertTallyTrue(step: string) {
    const { counted, tallied } = await tallyAgainstCount(t.db);
    assert.deepEqual(tallied, counted, `the tally after ${step}`);
  }

  it("agrees with a count of the deliveries after every kind of write", async () => {
    const { incident, campaign, deps } = await startTestCampaign(t, 40, (i) => ({
      email: i === 3 ? null : i % 10 === 5 ? `refuse${i}@example.org` : i % 10 === 7 ? `later${i}@example.org` : undefined,
    }));
    await assertTallyTrue("the fan-out");
    const fannedOut = await countDeliveriesByStatus(t.db.prisma, campaign.id);
    assert.deepEqual([fannedOut.total, fannedOut.queued, fannedOut.excluded], [40, 39, 1]);

    // One notice held by a worker that stopped: the next claim takes it back, a possible repeat.
    const held = await t.db.prisma.delivery.findFirstOrThrow({ where: { campaignId: campaign.id, status: "queued" } });
    await t.db.prisma.delivery.update({
      where: { id: held.id },
      data: { status: "sending", claimedBy: "a-stopped-worker", leaseUntil: new Date(t.clock.now().getTime() - 60_000) },
    });
    await assertTallyTrue("a claim");

    await runUntilSettled(t, testSender(t, mailer, { batchSize: 7 }), campaign.id);
    await assertTallyTrue("the send");
    const sent = await countDeliveriesByStatus(t.db.prisma, campaign.id);
    assert.deepEqual([sent.sent, sent.failed, sent.excluded, sent.total], [35, 4, 1, 40]);
    assert.equal(await countPossibleRepeats(t.db.prisma, campaign.id), 1, "the notice taken back is a possible repeat");

    await retryFailedDeliveries(deps, incident.reference, campaign.id, testManager);
    await assertTallyTrue("a retry of the failed ones");
    assert.equal((await countDeliveriesByStatus(t.db.prisma, campaign.id)).queued, 4);
    await cancelCampaign(deps, incident.reference, campaign.id, testManager);
    await assertTallyTrue("a cancel");
    assert.equal((await countDeliveriesByStatus(t.db.prisma, campaign.id)).cancelled, 4);

    // Told by letter: a change of status and of channel in one statement.
    const letters = await t.db.prisma.delivery.updateMany({
      where: { campaignId: campaign.id, status: { in: ["cancelled", "excluded"] } },
      data: { status: "told_otherwise", channel: "letter" },
    });
    assert.equal(letters.count, 5);
    await assertTallyTrue("a recording of people told another way");
    const ledger = { incidentId: incident.id };
    assert.deepEqual(await countByStatus(t.db.prisma, { ...ledger, channel: "letter" }), { told_otherwise: 5 });
    assert.deepEqual(await countByStatus(t.db.prisma, { ...ledger, campaignId: campaign.id }), {
      sent: 35,
      told_otherwise: 5,
    });
    assert.deepEqual(await countByStatus(t.db.prisma, { ...ledger, status: "needs_other_channel" }), {});

    await t.db.prisma.delivery.deleteMany({ where: { campaignId: campaign.id, status: "told_otherwise" } });
    await assertTallyTrue("a delete");
    assert.deepEqual(await countByStatus(t.db.prisma, ledger), { sent: 35 });
    // A search counts the rows it finds, not the tally.
    assert.deepEqual(await countByStatus(t.db.prisma, { ...ledger, q: "person1" }), { sent: 9 });
  });

  it("is counted from the deliveries there are when its migration runs", async () => {
    // The statement the migration runs before its triggers exist, run again on an emptied tally.
    const migration = readMigrations(testLane).find((m) => m.name.endsWith("_delivery_tally"));
    const backfill = /-- The tally of the deliveries there already are\.\n([^;]+);/.exec(migration?.sql ?? "")?.[1];
    assert.ok(backfill, "the migration counts the deliveries there are");
    await startTestCampaign(t, 12, (i) => ({ email: i === 0 ? null : undefined }));
    await t.db.prisma.deliveryTally.deleteMany();
    assert.notDeepEqual((await tallyAgainstCount(t.db)).tallied, (await tallyAgainstCount(t.db)).counted);
    await t.db.prisma.$executeRawUnsafe(backfill);
    await assertTallyTrue("the migration");
  });
});
