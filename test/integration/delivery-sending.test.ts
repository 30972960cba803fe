import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { createLogger } from "../../src/lib/logger.js";
import type { Mailer } from "../../src/mail/mailer.js";
import { createSmtpMailer } from "../../src/mail/smtp-mailer.js";
import {
  CAMPAIGN_PAUSED_NOTICE,
  campaignPausedNoticeJob,
  renderPausedEmail,
} from "../../src/modules/campaigns/campaign-paused-notice.job.js";
import { countDeliveriesByStatus } from "../../src/modules/campaigns/campaigns.repository.js";
import {
  cancelCampaign,
  pauseCampaign,
  resumeCampaign,
  retryFailedDeliveries,
  sendCampaignNow,
} from "../../src/modules/campaigns/campaigns.service.js";
import {
  claimDueDeliveries,
  extendDeliveryLeases,
  recordDeliveryResults,
} from "../../src/modules/campaigns/delivery-claim.sql.js";
import { defaultHeadings, type SectionKey, sectionKeys, serializeContent } from "../../src/modules/notices/index.js";
import { addUser, createTestApp, type TestApp } from "../helpers/app.js";
import {
  addNoticeTemplate,
  addPeople,
  createTestCampaign,
  type NoticeSink,
  runUntilSettled,
  seededRandom,
  startNoticeSink,
  startTestCampaign,
  testManager,
  testSender,
} from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";
import { assertGolden } from "../helpers/golden.js";
import { addIncident } from "../helpers/incidents.js";

describe(`delivery: sending campaign notices through a real SMTP server (${testLane})`, () => {
  let t: TestApp;
  let sink: NoticeSink | undefined;
  let mailer: Mailer | undefined;
  before(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await mailer?.close();
    await sink?.close();
    mailer = undefined;
    sink = undefined;
  });
  after(() => t.close());

  async function relay(options: Parameters<typeof startNoticeSink>[0] = {}) {
    sink = await startNoticeSink(options);
    mailer = createSmtpMailer({ url: sink.url, poolSize: 3, from: "Example Org <privacy@example.org>" });
    return { sink, mailer };
  }

  const deliveriesOf = (campaignId: string) =>
    t.db.prisma.delivery.findMany({ where: { campaignId }, orderBy: { email: "asc" } });

  it("sends each queued notice once, recording when, the server's answer and the Message-ID; then completes", async () => {
    const { sink, mailer } = await relay();
    const { campaign } = await startTestCampaign(t, 30, (i) => ({
      email: i === 7 ? null : undefined,
      givenName: i === 0 ? "Zoë" : undefined,
    }));
    const sender = testSender(t, mailer, { batchSize: 8 });
    await runUntilSettled(t, sender, campaign.id);

    const rows = await deliveriesOf(campaign.id);
    const sent = rows.filter((d) => d.status === "sent");
    assert.equal(sent.length, 29);
    assert.equal(rows.find((d) => d.email === null)?.status, "excluded");
    assert.equal(sink.messages.length, 29);
    assert.deepEqual(
      sink.messages.map((m) => m.messageId).sort(),
      sent.map((d) => d.messageId).sort(),
      "one message per delivery, under its id",
    );
    for (const d of sent) {
      assert.equal(d.sentAt?.toISOString(), t.clock.now().toISOString());
      assert.deepEqual([d.smtpCode, d.smtpResponse, d.attempts], [250, "250 2.0.0 OK: queued", 1]);
      assert.deepEqual([d.claimedBy, d.leaseUntil], ["test-worker", null]);
    }
    const second = sink.messages.find((m) => m.to[0] === "person1@example.org");
    assert.match(second?.subject ?? "", /^en: About BD-\d{4}-\d{4}, Given1$/);
    const done = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    assert.equal(done.status, "completed");
    assert.equal(await t.db.prisma.auditEntry.count({ where: { entityId: campaign.id, action: "campaign.complete" } }), 1);
  });

  it("sends each version's notices in the transfer encoding chosen once for it: quoted-printable for English, base64 for Japanese", async () => {
    const { sink, mailer } = await relay();
    const incident = await addIncident(t);
    const { templateId, versionIds } = await addNoticeTemplate(t.db, incident.id, ["en", "ja"]);
    const japanese = Object.fromEntries(
      sectionKeys.map((key) => [key, "お客様の氏名とメールアドレスが第三者のサーバーで見つかりました。".repeat(8)]),
    ) as Record<SectionKey, string>;
    japanese.whoWeAre = `{{first_name}}様、${"個人情報の漏えいについてお知らせします。".repeat(8)}`;
    await t.db.prisma.noticeTemplateVersion.update({
      where: { id: versionIds.ja! },
      data: {
        sections: serializeContent({
          sections: japanese,
          headings: defaultHeadings(),
          details: { organisation: "Example Org", contactEmail: "privacy@example.org", contactPhone: "+61 2 5550 0000" },
          checkedItems: [],
        }),
      },
    });
    await addPeople(t.db, incident.id, 6, (i) => ({ language: i % 2 === 0 ? "en" : "ja" }));
    const { campaign, deps } = await createTestCampaign(t, incident.reference, templateId);
    await sendCampaignNow(deps, incident.reference, campaign.id, testManager);
    await runUntilSettled(t, testSender(t, mailer), campaign.id);

    assert.equal(sink.messages.length, 6);
    for (const message of sink.messages) {
      const isJapanese = Number(/^person(\d+)@/.exec(message.to[0]!)?.[1]) % 2 === 1;
      assert.deepEqual(
        message.encodings,
        [isJapanese ? "base64" : "quoted-printable", isJapanese ? "base64" : "quoted-printable"],
        `${message.to[0]}: its text and HTML parts`,
      );
    }
  });

  it("fails the addresses a server refuses with 5xx, keeping its words, and sends the rest", async () => {
    const { sink, mailer } = await relay({
      answer: (address) => (/^person(3|11|12)@/.test(address) ? { code: 550, message: "5.1.1 <mailbox> unknown here" } : null),
    });
    const { campaign } = await startTestCampaign(t, 20);
    await runUntilSettled(t, testSender(t, mailer, { errorWindow: 100 }), campaign.id);
    const rows = await deliveriesOf(campaign.id);
    const failed = rows.filter((d) => d.status === "failed");
    assert.deepEqual(failed.map((d) => d.email).sort(), ["person11@example.org", "person12@example.org", "person3@example.org"]);
    for (const d of failed) {
      assert.deepEqual([d.smtpCode, d.smtpResponse, d.attempts], [550, "550 5.1.1 <mailbox> unknown here", 1]);
      assert.equal(d.failedAt?.toISOString(), t.clock.now().toISOString());
    }
    assert.equal(rows.filter((d) => d.status === "sent").length, 17);
    assert.equal(sink.messages.length, 17);
    assert.deepEqual([...sink.refusals.values()], [1, 1, 1], "a permanent refusal is not tried again");
  });

  it("retries notices a server answers 4xx (20% at random) with backoff until every one is sent, counting the tries", async () => {
    const random = seededRandom(20261128);
    const codes = [421, 450, 451, 452, 454];
    const { sink, mailer } = await relay({
      answer: () =>
        random() < 0.2 ? { code: codes[Math.floor(random() * codes.length)]!, message: "4.7.0 Try again later" } : null,
    });
    const { campaign } = await startTestCampaign(t, 150);
    const startedAt = t.clock.now().getTime();
    await runUntilSettled(t, testSender(t, mailer, { errorWindow: 100, pauseErrorShare: 0.5 }), campaign.id);
    const rows = await deliveriesOf(campaign.id);
    assert.deepEqual(
      rows.map((d) => d.status).filter((s) => s !== "sent"),
      [],
      "every recipient is eventually sent",
    );
    const refusals = [...sink.refusals.values()].reduce((a, b) => a + b, 0);
    const tries = rows.reduce((sum, d) => sum + d.attempts, 0);
    assert.ok(refusals > 15, `some answers were 4xx (${refusals})`);
    assert.equal(tries, 150 + refusals, "each refusal cost one more try, recorded");
    assert.equal(new Set(sink.messages.map((m) => m.messageId)).size, 150);
    assert.equal(sink.messages.length, 150, "none was sent twice");
    const retried = rows.filter((d) => d.attempts > 1);
    assert.ok(
      retried.every((d) => d.sentAt!.getTime() >= startedAt + 60_000),
      "a retry waits at least a minute",
    );
    assert.ok(
      retried.every((d) => /^250 /.test(d.smtpResponse)),
      "the last answer replaces the 4xx",
    );
  });

  it("pauses a campaign whose errors cross the threshold, tells its managers why by e-mail, and resumes when asked", async () => {
    const owner = await addUser(t, "manager", "owner@example.org");
    const { sink, mailer } = await relay({
      answer: (address) => (/^person\d*[02468]@/.test(address) ? { code: 554, message: "5.7.1 Sender blocked" } : null),
    });
    const { incident, campaign, deps } = await startTestCampaign(t, 60);
    await t.db.prisma.incident.update({ where: { id: incident.id }, data: { ownerId: owner.id } });
    const sender = testSender(t, mailer, { errorWindow: 10, pauseErrorShare: 0.4, batchSize: 5, concurrency: 1 });
    while ((await sender.runOnce()) > 0);

    const paused = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    assert.equal(paused.status, "paused");
    assert.match(
      paused.pauseReason,
      /^Paused automatically: [45] of the last 10 answers from the mail server were errors; the latest: 554 5\.7\.1 Sender blocked\./,
    );
    const counts = await countDeliveriesByStatus(t.db.prisma, campaign.id);
    assert.equal(counts.sending, 0, "notices claimed and not tried were handed back");
    assert.ok(counts.sent + counts.failed <= 15 && counts.queued >= 45, JSON.stringify(counts));
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { entityId: campaign.id, action: "campaign.auto_pause" },
    });
    assert.deepEqual([entry.actorLabel, JSON.parse(entry.after!).managersTold], ["system", ["owner@example.org"]]);

    const job = await t.db.prisma.job.findFirstOrThrow({ where: { kind: CAMPAIGN_PAUSED_NOTICE } });
    const before = sink.messages.length;
    await campaignPausedNoticeJob.handler(campaignPausedNoticeJob.schema.parse(JSON.parse(job.payload)), {
      ...t.deps,
      mailer,
      job,
      logger: createLogger("silent"),
      signal: new AbortController().signal,
    });
    const notice = sink.messages[before];
    assert.deepEqual(notice?.to, ["owner@example.org"]);
    assert.equal(notice?.subject, `Campaign paused: Notice (${incident.reference})`);

    sink.refusals.clear();
    await resumeCampaign(deps, incident.reference, campaign.id, testManager);
    const resumed = testSender(t, mailer, { errorWindow: 100, pauseErrorShare: 0.9 });
    await runUntilSettled(t, resumed, campaign.id);
    const final = await countDeliveriesByStatus(t.db.prisma, campaign.id);
    assert.equal(final.sent, 30);
    assert.equal(final.failed, 30);
  });

  it("tells of an automatic pause only those who act as managers on a restricted incident (need-to-know)", async () => {
    const lead = await addUser(t, "manager", "team-lead@example.org");
    const lowered = await addUser(t, "manager", "team-viewer@example.org");
    await addUser(t, "manager", "outsider@example.org");
    const { sink, mailer } = await relay({ answer: () => ({ code: 554, message: "5.7.1 Sender blocked" }) });
    const { incident, campaign } = await startTestCampaign(t, 20);
    // No owner, creator or approver among the active managers: the notice falls back to every
    // manager, and of those only the ones the incident's team lets act as managers hear of it.
    await t.db.prisma.campaign.update({ where: { id: campaign.id }, data: { createdById: null, approvedById: null } });
    await t.db.prisma.incident.update({ where: { id: incident.id }, data: { ownerId: null, access: "restricted" } });
    await t.db.prisma.incidentMember.createMany({
      data: [
        { incidentId: incident.id, userId: lead.id, role: "lead" },
        { incidentId: incident.id, userId: lowered.id, role: "viewer" },
      ],
    });
    const sender = testSender(t, mailer, { errorWindow: 10, pauseErrorShare: 0.4, batchSize: 5, concurrency: 1 });
    while ((await sender.runOnce()) > 0);
    assert.equal(sink.messages.length, 0);
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { entityId: campaign.id, action: "campaign.auto_pause" },
    });
    const told: string[] = JSON.parse(entry.after!).managersTold;
    assert.ok(told.includes("team-lead@example.org"), told.join());
    assert.ok(!told.includes("team-viewer@example.org"), "a member lowered to viewer cannot act on it");
    assert.ok(!told.includes("outsider@example.org"), "a manager off the team never hears of it");
  });

  it("renders the e-mail about an automatic pause the same way every time", async () => {
    const mail = await renderPausedEmail({
      recipientName: "Owen Owner",
      campaignName: "First notice <to members>",
      incidentReference: "BD-2026-0007",
      incidentTitle: "Conference registration server compromised",
      reason:
        "Paused automatically: 6 of the last 10 answers from the mail server were errors; the latest: 554 5.7.1 Sender blocked.",
      counts: {
        total: 5000,
        queued: 4200,
        sending: 0,
        sent: 780,
        failed: 20,
        bounced: 0,
        excluded: 0,
        cancelled: 0,
        told_otherwise: 0,
      },
      link: "https://breachdesk.example.org/incidents/BD-2026-0007/campaigns/c1",
    });
    assert.equal(mail.subject, "Campaign paused: First notice <to members> (BD-2026-0007)");
    assertGolden("emails/campaign-paused.html", mail.html);
    assertGolden("emails/campaign-paused.txt", mail.text);
  });

  it("pause, resume, cancel and retry-failed mid-send do what they say", async () => {
    let onMessage: (count: number) => Promise<void> = async () => undefined;
    let refused = "";
    const { sink, mailer } = await relay({
      // The first notice tried is refused for good: a failed one to retry later.
      answer: (address) => {
        if (refused) return null;
        refused = address;
        return { code: 552, message: "5.2.2 Mailbox full" };
      },
    });
    const original = sink.messages.push.bind(sink.messages);
    sink.messages.push = (...items) => {
      const n = original(...items);
      void onMessage(n);
      return n;
    };
    const { incident, campaign, deps } = await startTestCampaign(t, 40);
    const sender = testSender(t, mailer, { batchSize: 4, concurrency: 1 });

    // Pause once 6 have arrived: at most the batch in hand finishes, then nothing more goes out.
    let pausing: Promise<unknown> | undefined;
    onMessage = async (n) => {
      if (n === 6) pausing = pauseCampaign(deps, incident.reference, campaign.id, "", testManager);
    };
    while ((await sender.runOnce()) > 0) await pausing;
    const atPause = await countDeliveriesByStatus(t.db.prisma, campaign.id);
    assert.ok(atPause.sent >= 5 && atPause.sent <= 9, `sent ${atPause.sent} around the pause`);
    assert.deepEqual([atPause.sending, atPause.sent + atPause.failed + atPause.queued], [0, 40]);
    assert.equal(await sender.runOnce(), 0, "a paused campaign's notices are not claimed");
    assert.equal(sink.messages.length, atPause.sent);

    // Retry the failed one while paused: it is queued again and goes with the rest on resume.
    assert.equal(atPause.failed, 1);
    await retryFailedDeliveries(deps, incident.reference, campaign.id, testManager);
    await resumeCampaign(deps, incident.reference, campaign.id, testManager);
    await runUntilSettled(t, sender, campaign.id);
    const retried = await t.db.prisma.delivery.findFirstOrThrow({ where: { campaignId: campaign.id, email: refused } });
    assert.deepEqual([retried.status, retried.attempts], ["sent", 2], "the failed one was retried and sent");
    assert.equal((await countDeliveriesByStatus(t.db.prisma, campaign.id)).sent, 40);
    assert.equal(
      new Set(sink.messages.map((m) => m.messageId)).size,
      40,
      "each notice once: none was sent twice across the pause",
    );
    assert.equal(sink.messages.length, 40);

    // Cancel once 10 of another campaign have arrived: the rest are cancelled, none is sent after.
    const other = await startTestCampaign(t, 30);
    const before = sink.messages.length;
    onMessage = async (n) => {
      if (n === before + 10) pausing = cancelCampaign(other.deps, other.incident.reference, other.campaign.id, testManager);
    };
    while ((await sender.runOnce()) > 0) await pausing;
    const atCancel = await countDeliveriesByStatus(t.db.prisma, other.campaign.id);
    assert.ok(atCancel.sent >= 9 && atCancel.sent <= 14, `sent ${atCancel.sent} around the cancel`);
    assert.deepEqual([atCancel.sending, atCancel.queued, atCancel.sent + atCancel.cancelled], [0, 0, 30]);
    assert.equal((await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: other.campaign.id } })).status, "cancelled");
    assert.equal(await sender.runOnce(), 0);
    assert.equal(sink.messages.length - before, atCancel.sent, "every message at the server is recorded as sent, once");
  });

  it("takes over the notices of a worker that died holding them, and ignores that worker's late results", async () => {
    const { sink, mailer } = await relay();
    const { campaign } = await startTestCampaign(t, 10);
    const leaseMs = 60_000;
    const held = await claimDueDeliveries(t.db, { workerId: "dead-worker", limit: 4, leaseMs, now: t.clock.now() });
    assert.equal(held.length, 4);
    const sender = testSender(t, mailer, { leaseMs });
    assert.equal(await sender.runOnce(), 6, "the held ones wait for their lease");
    t.clock.advance(leaseMs + 1);
    await runUntilSettled(t, sender, campaign.id);
    const late = await recordDeliveryResults(
      t.db,
      "dead-worker",
      held.map((d) => ({ id: d.id, status: "failed" as const, at: t.clock.now(), smtpCode: 550, smtpResponse: "late" })),
    );
    assert.equal(late, 0, "the dead worker no longer holds them");
    const rows = await deliveriesOf(campaign.id);
    assert.deepEqual(new Set(rows.map((d) => d.status)), new Set(["sent"]));
    const taken = rows.filter((d) => held.some((h) => h.id === d.id));
    assert.deepEqual(
      taken.map((d) => d.attempts),
      [2, 2, 2, 2],
      "the dead worker's try counts",
    );
    assert.equal(sink.messages.length, 10);
  });

  it("never gives a live worker back its own notices whose lease ran out, and renews the lease of those it sends", async () => {
    const { campaign } = await startTestCampaign(t, 6);
    const leaseMs = 60_000;
    const mine = await claimDueDeliveries(t.db, { workerId: "slow-worker", limit: 3, leaseMs, now: t.clock.now() });
    t.clock.advance(leaseMs + 1);
    const again = await claimDueDeliveries(t.db, { workerId: "slow-worker", limit: 10, leaseMs, now: t.clock.now() });
    assert.deepEqual(
      again.map((d) => d.id).filter((id) => mine.some((m) => m.id === id)),
      [],
      "it is still sending them",
    );
    assert.equal(again.length, 3, "only the queued ones");
    const renewed = await extendDeliveryLeases(t.db, "slow-worker", new Date(t.clock.now().getTime() + leaseMs), t.clock.now());
    assert.equal(renewed, 6);
    t.clock.advance(leaseMs - 1);
    assert.equal((await claimDueDeliveries(t.db, { workerId: "other", limit: 10, leaseMs, now: t.clock.now() })).length, 0);
    t.clock.advance(2);
    const taken = await claimDueDeliveries(t.db, { workerId: "other", limit: 10, leaseMs, now: t.clock.now() });
    assert.equal(taken.length, 6, "another worker takes them over once the renewed lease has run out");
    assert.ok(taken.every((d) => d.campaignId === campaign.id));
  });

  it("paces sends with the token bucket: 12 notices at 4 a second take 2 seconds after the first second's burst", async () => {
    const { mailer } = await relay();
    const { campaign } = await startTestCampaign(t, 12);
    let now = 0;
    const { createCampaignSender } = await import("../../src/modules/campaigns/campaign-worker.service.js");
    const { noticeRendering } = await import("../../src/modules/campaigns/notice-rendering.service.js");
    const sender = createCampaignSender({
      config: t.deps.config,
      db: t.db,
      mailer,
      clock: t.clock,
      logger: t.deps.logger,
      workerId: "paced",
      rendering: noticeRendering,
      // The worker's own bucket on fake time; the deployment's shared one: delivery-shared-rate.test.ts.
      settings: { rate: { perSecond: 4, perHour: 0 }, concurrency: 1, isRateShared: false },
      readMs: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    await runUntilSettled(t, sender, campaign.id);
    assert.equal((await countDeliveriesByStatus(t.db.prisma, campaign.id)).sent, 12);
    assert.equal(now, 2000);
  });
});
