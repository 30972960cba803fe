import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AppError } from "../../src/lib/errors.js";
import { createLogger } from "../../src/lib/logger.js";
import type { Actor } from "../../src/modules/audit/audit.service.js";
import { systemActor } from "../../src/modules/audit/audit.service.js";
import { completeDrainedCampaigns } from "../../src/modules/campaigns/campaign-automation.service.js";
import { startDueCampaigns } from "../../src/modules/campaigns/campaign-start.service.js";
import { countDeliveriesByStatus } from "../../src/modules/campaigns/campaigns.repository.js";
import type { CampaignInput } from "../../src/modules/campaigns/campaigns.schemas.js";
import {
  approveCampaign,
  type CampaignDeps,
  cancelCampaign,
  createCampaign,
  pauseCampaign,
  resumeCampaign,
  retryFailedDeliveries,
  scheduleCampaign,
  sendCampaignNow,
} from "../../src/modules/campaigns/campaigns.service.js";
import { noticeRendering } from "../../src/modules/campaigns/notice-rendering.service.js";
import { addUser, createTestApp, type TestApp } from "../helpers/app.js";
import { addNoticeTemplate, addPeople, campaignInput } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

const actorOf = (user: { id: string; email: string }): Actor => ({ userId: user.id, label: user.email, ip: "127.0.0.1" });

function input(templateId: string, fields: Partial<CampaignInput> = {}): CampaignInput {
  return campaignInput(templateId, { name: "First notice", ...fields });
}

function refused(code: string, pattern: RegExp) {
  return (error: unknown) => error instanceof AppError && error.code === code && pattern.test(error.message);
}

describe(`campaigns (${testLane})`, () => {
  let t: TestApp;
  let deps: CampaignDeps;
  let alice: Actor;
  let bob: Actor;
  before(async () => {
    t = await createTestApp();
    deps = { ...t.deps, rendering: noticeRendering };
    alice = actorOf(await addUser(t, "manager", "alice@example.org"));
    bob = actorOf(await addUser(t, "manager", "bob@example.org"));
  });
  after(() => t.close());

  async function incidentWithPeople(count: number, shape?: Parameters<typeof addPeople>[3]) {
    const incident = await addIncident(t);
    const template = await addNoticeTemplate(t.db, incident.id, ["en", "fr"]);
    const people = await addPeople(t.db, incident.id, count, shape);
    return { incident, template, people };
  }

  it("starts a campaign: one delivery per person, copied, with the version of their language and a Message-ID from its id", async () => {
    const { incident, template, people } = await incidentWithPeople(6, (i) => ({
      email: i === 4 ? null : i === 5 ? "Bounced@Example.org" : undefined,
      language: i === 1 ? "fr-CA" : i === 2 ? "de" : i === 3 ? null : "en",
      givenName: i === 0 ? "Zoë" : undefined,
    }));
    await t.db.prisma.bouncedAddress.create({
      data: {
        incidentId: incident.id,
        emailNormalized: "bounced@example.org",
        reason: "550 5.1.1 no such user",
        createdAt: t.clock.now(),
      },
    });
    // Suppressed in another incident only: this incident's campaign still e-mails person0.
    const other = await addIncident(t);
    await t.db.prisma.bouncedAddress.create({
      data: { incidentId: other.id, emailNormalized: "person0@example.org", reason: "550 elsewhere", createdAt: t.clock.now() },
    });
    const { campaign } = await createCampaign(deps, incident.reference, input(template.templateId), alice);
    assert.equal(campaign.status, "draft");
    const started = await sendCampaignNow(deps, incident.reference, campaign.id, alice);
    assert.equal(started.campaign.status, "sending");
    assert.deepEqual(started.details, {
      versionIds: template.versionIds,
      from: "Example Org Privacy <privacy@example.org>",
      replyTo: null,
      recipients: 6,
      queued: 4,
      excluded: 2,
    });

    const stored = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    assert.deepEqual(JSON.parse(stored.versionIds), template.versionIds);
    // The organisation the notices go out with is pinned with the versions.
    assert.equal(JSON.parse(stored.organisation ?? "{}").senderAddress, "privacy@example.org");
    assert.equal(stored.startedAt?.toISOString(), t.clock.now().toISOString());
    const deliveries = await t.db.prisma.delivery.findMany({ where: { campaignId: campaign.id } });
    const byPerson = new Map(deliveries.map((d) => [d.personId, d]));
    assert.equal(deliveries.length, 6);
    const first = byPerson.get(people[0]!)!;
    assert.equal(first.fullName, "Zoë Family0");
    assert.equal(first.email, "person0@example.org");
    assert.equal(first.country, "AU");
    assert.equal(first.region, "AU-NSW");
    assert.equal(first.status, "queued");
    assert.equal(first.nextAttemptAt?.toISOString(), t.clock.now().toISOString());
    assert.match(first.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(first.messageId, `<delivery.${first.id}@localhost>`);
    assert.equal(new Set(deliveries.map((d) => d.messageId)).size, 6, "every Message-ID differs");
    assert.deepEqual(
      people.slice(0, 4).map((id) => byPerson.get(id)!.templateVersionId),
      [template.versionIds.en, template.versionIds.fr, template.versionIds.en, template.versionIds.en],
      "fr-CA gets French; German and no language fall back to English",
    );
    assert.deepEqual(
      [byPerson.get(people[4]!), byPerson.get(people[5]!)].map((d) => [d?.status, d?.exclusionReason, d?.nextAttemptAt]),
      [
        ["excluded", "no_email", null],
        ["excluded", "bounced_address", null],
      ],
    );
    const audit = await t.db.prisma.auditEntry.findMany({ where: { entityId: campaign.id }, orderBy: { seq: "asc" } });
    assert.deepEqual(
      audit.map((a) => [a.action, a.incidentId, a.actorLabel]),
      [
        ["campaign.create", incident.id, "alice@example.org"],
        ["campaign.start", incident.id, "alice@example.org"],
      ],
    );
    assert.equal(JSON.parse(audit[1]!.after!).queued, 4);
    await assert.rejects(sendCampaignNow(deps, incident.reference, campaign.id, alice), refused("conflict", /can start/));
    assert.equal(await t.db.prisma.delivery.count({ where: { campaignId: campaign.id } }), 6, "a second start adds nothing");
  });

  it("selects the audience: at risk, by country or state, not yet notified, whose earlier notice failed", async () => {
    const { incident, template, people } = await incidentWithPeople(8, (i) => ({
      isAtRisk: i % 2 === 0,
      country: i < 4 ? "AU" : "NZ",
      region: i < 2 ? "AU-VIC" : i < 4 ? "AU-NSW" : null,
    }));
    const startWith = async (fields: Partial<CampaignInput>) => {
      const { campaign } = await createCampaign(deps, incident.reference, input(template.templateId, fields), alice);
      await sendCampaignNow(deps, incident.reference, campaign.id, alice);
      const rows = await t.db.prisma.delivery.findMany({ where: { campaignId: campaign.id } });
      return { campaign, indexes: rows.map((d) => people.indexOf(d.personId)).sort() };
    };
    assert.deepEqual((await startWith({ atRiskOnly: true })).indexes, [0, 2, 4, 6]);
    assert.deepEqual((await startWith({ places: ["AU-VIC", "NZ"] })).indexes, [0, 1, 4, 5, 6, 7]);
    assert.deepEqual((await startWith({ places: ["AU"], atRiskOnly: true })).indexes, [0, 2]);

    // Person 0 was told, person 1 failed, person 2 bounced, person 3 failed and was told later.
    const mark = async (index: number, status: string) => {
      await t.db.prisma.delivery.updateMany({ where: { personId: people[index]! }, data: { status } });
    };
    await t.db.prisma.delivery.updateMany({ where: { incidentId: incident.id }, data: { status: "cancelled" } });
    const { campaign: earlier } = await startWith({ places: ["AU"] });
    await t.db.prisma.delivery.updateMany({ where: { campaignId: earlier.id }, data: { status: "cancelled" } });
    await mark(0, "sent");
    await mark(1, "failed");
    await mark(2, "bounced");
    await mark(3, "failed");
    await t.db.prisma.delivery.updateMany({
      where: { campaignId: earlier.id, personId: people[3]! },
      data: { status: "told_otherwise" },
    });
    assert.deepEqual((await startWith({ notYetNotified: true })).indexes, [1, 2, 4, 5, 6, 7]);
    assert.deepEqual((await startWith({ failedBefore: true })).indexes, [1, 2]);
  });

  it("needs a second manager's approval when asked, and refuses the creator's own", async () => {
    const { incident, template } = await incidentWithPeople(2);
    const { campaign } = await createCampaign(
      deps,
      incident.reference,
      input(template.templateId, { isApprovalRequired: true }),
      alice,
    );
    await assert.rejects(
      sendCampaignNow(deps, incident.reference, campaign.id, alice),
      refused("conflict", /approval of a second manager/),
    );
    await assert.rejects(
      approveCampaign(deps, incident.reference, campaign.id, alice),
      refused("conflict", /not by the one who created it/),
    );
    assert.equal(await t.db.prisma.delivery.count({ where: { campaignId: campaign.id } }), 0, "nothing was written");
    const approved = await approveCampaign(deps, incident.reference, campaign.id, bob);
    assert.equal(approved.campaign.approvedById, bob.userId);
    await sendCampaignNow(deps, incident.reference, campaign.id, alice);
    const actions = await t.db.prisma.auditEntry.findMany({ where: { entityId: campaign.id }, orderBy: { seq: "asc" } });
    assert.deepEqual(
      actions.map((a) => [a.action, a.actorLabel]),
      [
        ["campaign.create", "alice@example.org"],
        ["campaign.approve", "bob@example.org"],
        ["campaign.start", "alice@example.org"],
      ],
    );
  });

  it("refuses a start with nothing to send, saying why, and changes nothing", async () => {
    const incident = await addIncident(t);
    const empty = await t.db.prisma.noticeTemplate.create({
      data: {
        id: `empty-${incident.id}`,
        incidentId: incident.id,
        name: "Empty",
        createdAt: t.clock.now(),
        updatedAt: t.clock.now(),
      },
    });
    const { campaign } = await createCampaign(deps, incident.reference, input(empty.id), alice);
    await assert.rejects(sendCampaignNow(deps, incident.reference, campaign.id, alice), refused("conflict", /no saved version/));
    const template = await addNoticeTemplate(t.db, incident.id);
    const { campaign: second } = await createCampaign(deps, incident.reference, input(template.templateId), alice);
    await assert.rejects(
      sendCampaignNow(deps, incident.reference, second.id, alice),
      refused("conflict", /No one is in this campaign's audience/),
    );
    assert.equal((await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: second.id } })).status, "draft");
    await assert.rejects(
      createCampaign(deps, incident.reference, input("not-a-template"), alice),
      (e) => e instanceof AppError && e.fieldErrors.templateId === "Choose one of this incident's notices.",
    );
    await assert.rejects(
      createCampaign(
        deps,
        incident.reference,
        input(template.templateId, { when: "later", scheduledAt: "2026-03-01 10:00" }),
        alice,
      ),
      (e) => e instanceof AppError && e.fieldErrors.scheduledAt === "Choose a time in the future.",
    );
  });

  it("refuses a start while the notice is not ready, naming why, or when a new version was saved after the check", async () => {
    const { incident, template } = await incidentWithPeople(3);
    await t.db.prisma.incidentDataCategory.deleteMany({ where: { incidentId: incident.id } });
    const { campaign } = await createCampaign(deps, incident.reference, input(template.templateId), alice);
    await assert.rejects(
      sendCampaignNow(deps, incident.reference, campaign.id, alice),
      refused("conflict", /^The notice is not ready to send: 3 people's notices would be broken \(no data categories: 3\)/),
    );
    await t.db.prisma.incidentDataCategory.create({
      data: { incidentId: incident.id, categoryId: "email_address", createdAt: t.clock.now(), updatedAt: t.clock.now() },
    });
    // A manager saves a new English version while the check runs.
    const racing: CampaignDeps = {
      ...deps,
      rendering: {
        ...noticeRendering,
        async checkNoticeReadiness(db, options) {
          const result = await noticeRendering.checkNoticeReadiness(db, options);
          const first = await t.db.prisma.noticeTemplateVersion.findFirstOrThrow({ where: { id: template.versionIds.en } });
          await t.db.prisma.noticeTemplateVersion.create({ data: { ...first, id: `${first.id}-2`, version: 2 } });
          return result;
        },
      },
    };
    await assert.rejects(
      sendCampaignNow(racing, incident.reference, campaign.id, alice),
      refused("conflict", /new version of the notice was saved/),
    );
    assert.equal(await t.db.prisma.delivery.count({ where: { campaignId: campaign.id } }), 0);
    const started = await sendCampaignNow(deps, incident.reference, campaign.id, alice);
    assert.equal(
      JSON.parse((await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).versionIds).en,
      `${template.versionIds.en}-2`,
    );
    assert.equal(started.details.queued, 3);
  });

  it("starts a scheduled campaign when its instant comes, and sends back to draft one that cannot start", async () => {
    const { incident, template } = await incidentWithPeople(3);
    const { campaign } = await createCampaign(deps, incident.reference, input(template.templateId), alice);
    await scheduleCampaign(deps, incident.reference, campaign.id, "2026-03-02 21:00", alice); // Sydney: 10:00 UTC
    const startDeps = { ...deps, logger: createLogger("silent"), messageIdDomain: "breachdesk.test", fanOutBatch: 20_000 };
    assert.equal(await startDueCampaigns(startDeps, new Date("2026-03-02T09:59:59Z")), 0);
    assert.equal(await startDueCampaigns(startDeps, new Date("2026-03-02T10:00:00Z")), 1);
    const started = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    assert.equal(started.status, "sending");
    const delivery = await t.db.prisma.delivery.findFirstOrThrow({ where: { campaignId: campaign.id } });
    assert.match(delivery.messageId, /@breachdesk\.test>$/);
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { entityId: campaign.id, action: "campaign.start" } });
    assert.equal(entry.actorLabel, systemActor.label);

    const { campaign: doomed } = await createCampaign(
      deps,
      incident.reference,
      input(template.templateId, { atRiskOnly: true }),
      alice,
    );
    await scheduleCampaign(deps, incident.reference, doomed.id, "2026-03-02 21:00", alice);
    assert.equal(await startDueCampaigns(startDeps, new Date("2026-03-02T10:00:00Z")), 0);
    const back = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: doomed.id } });
    assert.equal(back.status, "draft");
    assert.match(back.pauseReason, /could not start at its scheduled time: No one is in this campaign's audience/);
  });

  it("pauses, resumes, cancels (queued notices cancelled) and completes, each audited", async () => {
    const { incident, template } = await incidentWithPeople(4);
    const { campaign } = await createCampaign(deps, incident.reference, input(template.templateId), alice);
    await sendCampaignNow(deps, incident.reference, campaign.id, alice);
    const paused = await pauseCampaign(deps, incident.reference, campaign.id, "checking the wording", bob);
    assert.equal(paused.campaign.pauseReason, "Paused by bob@example.org: checking the wording");
    await assert.rejects(
      pauseCampaign(deps, incident.reference, campaign.id, "", bob),
      refused("conflict", /Only a campaign that is sending/),
    );
    await resumeCampaign(deps, incident.reference, campaign.id, bob);
    const ids = (await t.db.prisma.delivery.findMany({ where: { campaignId: campaign.id }, orderBy: { id: "asc" } })).map(
      (d) => d.id,
    );
    await t.db.prisma.delivery.update({ where: { id: ids[0]! }, data: { status: "sent", sentAt: t.clock.now() } });
    const cancelled = await cancelCampaign(deps, incident.reference, campaign.id, bob);
    assert.deepEqual(cancelled.details, { cancelledDeliveries: 3 });
    const counts = await countDeliveriesByStatus(t.db.prisma, campaign.id);
    assert.deepEqual([counts.sent, counts.cancelled, counts.queued], [1, 3, 0], "what was sent stays sent");
    const actions = (await t.db.prisma.auditEntry.findMany({ where: { entityId: campaign.id }, orderBy: { seq: "asc" } })).map(
      (a) => a.action,
    );
    assert.deepEqual(actions, ["campaign.create", "campaign.start", "campaign.pause", "campaign.resume", "campaign.cancel"]);

    const { campaign: other } = await createCampaign(deps, incident.reference, input(template.templateId), alice);
    await sendCampaignNow(deps, incident.reference, other.id, alice);
    const logger = createLogger("silent");
    const statusOf = async () => (await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: other.id } })).status;
    await completeDrainedCampaigns({ db: t.db, clock: t.clock, logger }, t.clock.now());
    assert.equal(await statusOf(), "sending", "notices are still queued");
    await t.db.prisma.delivery.updateMany({ where: { campaignId: other.id }, data: { status: "sent" } });
    assert.ok((await completeDrainedCampaigns({ db: t.db, clock: t.clock, logger }, t.clock.now())) >= 1);
    const done = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: other.id } });
    assert.deepEqual([done.status, done.finishedAt?.toISOString()], ["completed", t.clock.now().toISOString()]);
    const completion = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { entityId: other.id, action: "campaign.complete" },
    });
    assert.equal(JSON.parse(completion.after!).counts.sent, 4);
  });

  it("retries the failed ones, except those whose address bounced hard; a completed campaign sends again", async () => {
    const { incident, template } = await incidentWithPeople(4);
    const { campaign } = await createCampaign(deps, incident.reference, input(template.templateId), alice);
    await sendCampaignNow(deps, incident.reference, campaign.id, alice);
    const rows = await t.db.prisma.delivery.findMany({ where: { campaignId: campaign.id }, orderBy: { email: "asc" } });
    await t.db.prisma.delivery.updateMany({
      where: { id: { in: rows.slice(0, 3).map((r) => r.id) } },
      data: { status: "failed", smtpCode: 550, smtpResponse: "550 no", failedAt: t.clock.now(), attempts: 1 },
    });
    await t.db.prisma.delivery.update({ where: { id: rows[3]!.id }, data: { status: "sent" } });
    await t.db.prisma.bouncedAddress.create({
      data: { incidentId: incident.id, emailNormalized: rows[0]!.emailNormalized!, reason: "550", createdAt: t.clock.now() },
    });
    // A suppression of rows[1]'s address in another incident does not stop this incident's retry.
    await t.db.prisma.bouncedAddress.create({
      data: {
        incidentId: (await addIncident(t)).id,
        emailNormalized: rows[1]!.emailNormalized!,
        reason: "550",
        createdAt: t.clock.now(),
      },
    });
    const logger = createLogger("silent");
    await completeDrainedCampaigns({ db: t.db, clock: t.clock, logger }, t.clock.now());
    t.clock.advance(60_000);
    const retried = await retryFailedDeliveries(deps, incident.reference, campaign.id, bob);
    assert.deepEqual([retried.campaign.status, retried.details], ["sending", { requeued: 2 }]);
    const after = await t.db.prisma.delivery.findMany({ where: { campaignId: campaign.id }, orderBy: { email: "asc" } });
    assert.deepEqual(
      after.map((d) => d.status),
      ["failed", "queued", "queued", "sent"],
    );
    assert.equal(after[1]!.queuedAt.toISOString(), t.clock.now().toISOString(), "the retry window starts afresh");
    assert.equal(after[1]!.smtpResponse, "550 no", "the last answer stays until the next one");
    await assert.rejects(
      retryFailedDeliveries(deps, incident.reference, campaign.id, bob),
      refused("conflict", /No failed notice can be retried/),
    );
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { entityId: campaign.id, action: "campaign.retry_failed" },
    });
    assert.equal(JSON.parse(entry.after!).requeued, 2);
  });
});
