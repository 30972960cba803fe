import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Mailer } from "../../src/mail/mailer.js";
import { createSmtpMailer } from "../../src/mail/smtp-mailer.js";
import { senderSettingsOf } from "../../src/modules/campaigns/campaign-settings.policy.js";
import { claimDueDeliveries } from "../../src/modules/campaigns/delivery-claim.sql.js";
import { createTestApp, signedIn, type TestApp } from "../helpers/app.js";
import { type NoticeSink, runUntilSettled, startNoticeSink, startTestCampaign, testSender } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";

/**
 * A worker that dies while sending leaves its claimed notices "sending"; once their lease runs
 * out another worker sends them again, and since the dead one may already have handed them to
 * the mail server, their people may get the notice twice. Each such notice counts a reclaim, the
 * ledger marks it, and the campaign page says how many and how many a crash can repeat at most.
 */
describe(`notices a dead worker held, sent again and marked as possible repeats (${testLane})`, () => {
  let t: TestApp;
  let sink: NoticeSink;
  let mailer: Mailer;
  let viewer: Awaited<ReturnType<typeof signedIn>>;
  let ledger: string;
  let campaignPage: string;
  const heldIds = new Set<string>();

  before(async () => {
    t = await createTestApp();
    sink = await startNoticeSink();
    mailer = createSmtpMailer({ url: sink.url, poolSize: 2, from: "Example Org <privacy@example.org>" });
    viewer = await signedIn(t, "viewer");
    const { incident, campaign } = await startTestCampaign(t, 10);
    ledger = `/incidents/${incident.reference}/ledger`;
    campaignPage = `/incidents/${incident.reference}/campaigns/${campaign.id}`;
    const leaseMs = 60_000;
    // The dead worker's claims: sending, under a lease that then runs out with nobody renewing it.
    const held = await claimDueDeliveries(t.db, { workerId: "dead-worker", limit: 3, leaseMs, now: t.clock.now() });
    for (const d of held) heldIds.add(d.id);
    assert.deepEqual(
      held.map((d) => d.reclaims),
      [0, 0, 0],
      "a first claim is no reclaim",
    );
    t.clock.advance(leaseMs + 1);
    await runUntilSettled(t, testSender(t, mailer, { leaseMs }), campaign.id);
  });
  after(async () => {
    await mailer.close();
    await sink.close();
    await t.close();
  });

  it("counts one reclaim on each notice taken from the dead worker, and none on the others", async () => {
    const rows = await t.db.prisma.delivery.findMany({ select: { id: true, status: true, attempts: true, reclaims: true } });
    assert.equal(rows.length, 10);
    for (const row of rows) {
      assert.equal(row.status, "sent");
      assert.deepEqual([row.reclaims, row.attempts], heldIds.has(row.id) ? [1, 2] : [0, 1], row.id);
    }
    assert.equal(sink.messages.length, 10);
  });

  it("the ledger marks them on its page and in its export", async () => {
    const page = await viewer.agent.get(ledger);
    assert.equal(page.status, 200);
    assert.equal((page.text.match(/data-possible-repeat>may have been sent twice</g) ?? []).length, 3);
    const csv = await viewer.agent.get(`${ledger}.csv`).buffer(true);
    assert.equal(csv.status, 200);
    const lines = String(csv.text)
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    const header = lines[0]!.split(",");
    const idAt = header.indexOf("delivery_id");
    const repeatsAt = header.indexOf("possible_repeats");
    assert.ok(repeatsAt > header.indexOf("attempts"), "possible_repeats follows attempts");
    const byId = new Map(
      lines
        .slice(1)
        .map((line) => line.split(","))
        .map((cells) => [cells[idAt], cells[repeatsAt]]),
    );
    assert.equal(byId.size, 10);
    for (const [id, repeats] of byId) assert.equal(repeats, heldIds.has(id!) ? "1" : "0", id);
  });

  it("the campaign page says a crash may repeat the notices in flight, at most a batch, and counts those that were", async () => {
    const page = await viewer.agent.get(campaignPage);
    assert.equal(page.status, 200);
    const batch = senderSettingsOf(t.deps.config).batchSize.toLocaleString("en");
    assert.match(
      page.text,
      new RegExp(`data-crash-repeats>the notices it had in flight are sent again [^<]*at most ${batch} a worker`),
    );
    assert.match(page.text, /data-possible-repeats><a href="[^"]+">3 people<\/a> may have received this notice twice/);
  });
});
