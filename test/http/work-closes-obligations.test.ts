import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { sendCampaignNow } from "../../src/modules/campaigns/index.js";
import { recordPeopleTold } from "../../src/modules/ledger/index.js";
import { applyObligations, closeByStatement } from "../../src/modules/obligations/index.js";
import { createTestApp, signedIn, type TestApp } from "../helpers/app.js";
import {
  addNoticeTemplate,
  addPeople,
  createTestCampaign,
  runUntilSettled,
  testManager,
  testSender,
} from "../helpers/campaigns.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

const assessment = {
  dataSensitivity: "medium",
  peopleCount: "3",
  peopleCountNote: "",
  dataProtected: "partly",
  protectionNote: "passwords hashed",
  whoMayHold: "the intruder",
  remedialSummary: "server rebuilt",
  harmPrevented: "partly",
  seriousHarmLikely: "likely",
  rationale: "Names and addresses with hashed passwords.",
};

/**
 * Issue 13, item 2: the work closes the obligations and moves the incident, always visibly and
 * undoably. The app's clock stands at 2026-03-02 09:00 UTC; the incident became aware two days
 * before, in Sydney.
 */
describe("obligations close from the work", () => {
  let t: TestApp;
  let manager: Client;
  let incident: Incident;
  let ref: string;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    incident = await addIncident(t, { title: "Conference server", detectedAt: "2026-02-28 09:00", awareAt: "2026-02-28 11:00" });
    ref = incident.reference;
    await manager.post(`/incidents/${ref}/location`, { location: "AU" }, `/incidents/${ref}/deadlines`);
    const applied = await manager.post(
      `/incidents/${ref}/obligations`,
      { ruleIds: ["AU-NDB-assess", "AU-NDB-oaic", "AU-NDB-individuals"] } as unknown as Record<string, string>,
      `/incidents/${ref}/deadlines`,
    );
    assert.equal(applied.status, 303);
  });
  after(() => t.close());

  const obligationOf = (ruleId: string) =>
    t.db.prisma.obligation.findFirstOrThrow({ where: { incidentId: incident.id, ruleId } });
  const fresh = () => t.db.prisma.incident.findUniqueOrThrow({ where: { id: incident.id } });

  it("an assessment within the 30 days meets AU-NDB-assess with it as evidence, audited, and proposes assessing", async () => {
    const res = await manager.post(`/incidents/${ref}/assessments`, assessment, `/incidents/${ref}/assessment`);
    assert.equal(res.status, 303);
    const recorded = await t.db.prisma.riskAssessment.findFirstOrThrow({ where: { incidentId: incident.id } });
    const assess = await obligationOf("AU-NDB-assess");
    assert.equal(assess.status, "met");
    assert.equal(assess.metBy, `assessment:${recorded.id}`);
    assert.equal(assess.metAt?.toISOString(), "2026-03-02T09:00:00.000Z");
    assert.match(assess.evidenceNote, /concluded that serious harm is likely/);
    assert.equal(assess.nextReminderAt, null);
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "obligation.auto_met", incidentId: incident.id },
    });
    assert.match(audit.after ?? "", /"metBy":"assessment:/);
    const timeline = await t.db.prisma.timelineEvent.findFirst({
      where: { incidentId: incident.id, description: { contains: "AU-NDB-assess" } },
    });
    assert.ok(timeline, "the automatic outcome is on the timeline");
    // The other obligations are not an assessment's to close.
    assert.equal((await obligationOf("AU-NDB-oaic")).status, "pending");
    const proposed = await fresh();
    assert.equal(proposed.status, "detected");
    assert.equal(proposed.proposedStatus, "assessing");
    const page = await manager.agent.get(`/incidents/${ref}/assessment`);
    assert.match(page.text, /Proposed: move to Assessing/);
    assert.match(page.text, /name="answer" value="accept"/);
    const overview = await manager.agent.get(`/incidents/${ref}`);
    assert.match(overview.text, /Proposed: move to Assessing/, "the overview's status section shows the proposal");
    const deadlines = await manager.agent.get(`/incidents/${ref}/deadlines`);
    assert.match(deadlines.text, /<strong>Met automatically<\/strong> by the risk assessment/);
    assert.match(deadlines.text, /Undo: set AU-NDB-assess back to pending/);
  });

  it("undoing the automatic outcome by hand holds the obligation open: a later assessment does not close it", async () => {
    const assess = await obligationOf("AU-NDB-assess");
    const res = await manager.post(
      `/incidents/${ref}/obligations/${assess.id}/status`,
      { status: "pending" },
      `/incidents/${ref}/deadlines`,
    );
    assert.equal(res.status, 303);
    const undone = await obligationOf("AU-NDB-assess");
    assert.deepEqual([undone.status, undone.metBy, undone.isAutoCloseHeld], ["pending", "", true]);
    await manager.post(`/incidents/${ref}/assessments`, assessment, `/incidents/${ref}/assessment`);
    assert.equal((await obligationOf("AU-NDB-assess")).status, "pending");
    const page = await manager.agent.get(`/incidents/${ref}/deadlines`);
    assert.match(page.text, /Held open: an automatic outcome was undone/);
  });

  it("accepting the proposal moves the incident, on the timeline; keeping the status clears it, audited", async () => {
    const accept = await manager.post(
      `/incidents/${ref}/status-proposal`,
      { answer: "accept", proposed: "assessing", back: `/incidents/${ref}/assessment` },
      `/incidents/${ref}/assessment`,
    );
    assert.equal(accept.status, 303);
    assert.equal(accept.headers.location, `/incidents/${ref}/assessment`);
    const moved = await fresh();
    assert.deepEqual([moved.status, moved.proposedStatus], ["assessing", ""]);
    const event = await t.db.prisma.timelineEvent.findFirstOrThrow({
      where: { incidentId: incident.id, description: { contains: "Status changed from Detected to Assessing" } },
    });
    assert.match(event.description, /Proposed by the work: a risk assessment was recorded/);
    // A stale answer is refused, not applied.
    const stale = await manager.post(
      `/incidents/${ref}/status-proposal`,
      { answer: "accept", proposed: "assessing" },
      `/incidents/${ref}`,
    );
    assert.equal(stale.status, 409);
  });

  it("a campaign that starts proposes notifying (refused here), and its completion with letters for the rest meets AU-NDB-individuals", async () => {
    await manager.post(
      `/incidents/${ref}/decisions`,
      { isNotifiable: "yes", regimes: "AU-NDB", rationale: "Serious harm is likely.", decidedAt: "" },
      `/incidents/${ref}/assessment`,
    );
    const template = await addNoticeTemplate(t.db, incident.id);
    // Two people with an address, one to write to.
    await addPeople(t.db, incident.id, 3, (i) => (i === 2 ? { email: null } : {}));
    const { campaign, deps } = await createTestCampaign(t, ref, template.templateId);
    await sendCampaignNow(deps, ref, campaign.id, testManager);
    const proposed = await fresh();
    assert.equal(proposed.proposedStatus, "notifying");
    assert.match(proposed.proposedBecause, /the campaign "Notice" started/);
    const keep = await manager.post(
      `/incidents/${ref}/status-proposal`,
      { answer: "keep", proposed: "notifying" },
      `/incidents/${ref}`,
    );
    assert.equal(keep.status, 303);
    assert.deepEqual([(await fresh()).status, (await fresh()).proposedStatus], ["assessing", ""]);
    assert.ok(
      await t.db.prisma.auditEntry.findFirst({ where: { action: "incident.status_proposal_keep", incidentId: incident.id } }),
    );

    await runUntilSettled(t, testSender(t, t.deps.mailer), campaign.id);
    assert.equal((await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status, "completed");
    // Two of three told: the obligation stays open and the page shows how far it has come.
    assert.equal((await obligationOf("AU-NDB-individuals")).status, "pending");
    const page = await manager.agent.get(`/incidents/${ref}/deadlines`);
    assert.match(page.text, /<strong>People told:<\/strong> 66\.6% \(2 of 3\); 1 to tell another way/);

    await recordPeopleTold(
      t.deps,
      await fresh(),
      { scope: "all", channel: "letter", toldAt: "2026-03-02 19:00", note: "Letter posted" },
      testManager,
    );
    const individuals = await obligationOf("AU-NDB-individuals");
    assert.equal(individuals.status, "met");
    assert.equal(individuals.metBy, "coverage");
    assert.match(individuals.evidenceNote, /3 of 3 people told \(2 by e-mail, 1 another way\)/);
  });

  it("when every obligation is done and everyone is told, a notifying incident proposes to close", async () => {
    await manager.post(`/incidents/${ref}/status`, { to: "notifying", reason: "" }, `/incidents/${ref}`);
    assert.equal((await fresh()).status, "notifying");
    const assess = await obligationOf("AU-NDB-assess");
    const oaic = await obligationOf("AU-NDB-oaic");
    const met = {
      status: "met",
      metAt: "2026-03-02 19:00",
      metAtZone: "Australia/Sydney",
      metHow: "OAIC online form",
      metReference: "",
      evidenceNote: "",
      lateReasons: "",
    };
    await manager.post(`/incidents/${ref}/obligations/${assess.id}/status`, met, `/incidents/${ref}/deadlines`);
    assert.equal((await fresh()).proposedStatus, "");
    await manager.post(`/incidents/${ref}/obligations/${oaic.id}/status`, met, `/incidents/${ref}/deadlines`);
    const done = await fresh();
    assert.equal(done.proposedStatus, "closed");
    assert.match(done.proposedBecause, /all 3 people affected were told/);
  });

  it("a regulator statement marked submitted closes the obligation it answers (the regulators issue's hook)", async () => {
    const other = await addIncident(t, { title: "Statement", awareAt: "2026-03-01 10:00" });
    await applyObligations(t.deps, other.reference, { ruleIds: ["AU-NDB-oaic"], extraRuleId: "", browseRuleId: "" }, testManager);
    const statement = {
      id: "st-1",
      ruleId: "AU-NDB-oaic",
      submittedAt: new Date("2026-03-02T08:00:00Z"),
      how: "OAIC online form",
      reference: "OAIC-123",
    };
    const met = await t.db.prisma.$transaction((tx) => closeByStatement(t.deps, tx, other, statement, testManager));
    assert.equal(met, true);
    const oaic = await t.db.prisma.obligation.findFirstOrThrow({ where: { incidentId: other.id, ruleId: "AU-NDB-oaic" } });
    assert.deepEqual(
      [oaic.status, oaic.metBy, oaic.metReference, oaic.metHow],
      ["met", "statement:st-1", "OAIC-123", "OAIC online form"],
    );
    // Once met, a second submission changes nothing.
    assert.equal(await t.db.prisma.$transaction((tx) => closeByStatement(t.deps, tx, other, statement, testManager)), false);
  });
});
