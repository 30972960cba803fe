import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newId } from "../../src/lib/ids.js";
import { createCatcherMailer } from "../../src/mail/catcher-mailer.js";
import { startDueCampaigns } from "../../src/modules/campaigns/campaign-start.service.js";
import { scheduleCampaign } from "../../src/modules/campaigns/index.js";
import { defaultHeadings, sectionKeys, serializeContent } from "../../src/modules/notices/index.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addNoticeTemplate, addPeople, createTestCampaign, runUntilSettled, testSender } from "../helpers/campaigns.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/** Posts a form from the page it is on (that page's CSRF token). */
async function postFrom(client: Client, pagePath: string, path: string, form: Record<string, string>) {
  const page = await client.agent.get(pagePath);
  return client.agent
    .post(path)
    .type("form")
    .send({ _csrf: csrfFrom(page.text), ...form });
}

const PROFILE = {
  name: "Linux Australia Inc.",
  address: "PO Box 7143\nWagga Wagga NSW 2650",
  contactEmail: "privacy@linux.org.au",
  contactPhone: "+61 2 5550 0100",
  privacyOfficer: "Jane Citizen",
  privacyOfficerEmail: "dpo@linux.org.au",
  website: "https://linux.org.au",
  senderName: "Linux Australia",
  senderAddress: "notices@linux.org.au",
  replyTo: "privacy@linux.org.au",
};

describe("the organisation's profile and the notices' sender", () => {
  let t: TestApp;
  let admin: Client;
  let manager: Client;
  let viewer: Client;
  before(async () => {
    // No DNS leaves the machine: a server that is not there answers nothing, and the check gives up.
    t = await createTestApp({ DNS_SERVERS: "127.0.0.1:9" });
    admin = await signedIn(t, "admin");
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
  });
  after(() => t.close());

  it("starts empty: the page says no campaign can start until a sender is set", async () => {
    const page = await admin.agent.get("/admin/organisation");
    assert.equal(page.status, 200);
    assert.match(page.text, /data-first-run/);
    assert.match(page.text, /Until a sender address is set here or on an incident, no campaign can start/);
    assert.match(page.text, /<dd data-sender><strong>no sender yet<\/strong>/);
    assert.equal((await viewer.agent.get("/admin/organisation")).status, 403);
  });

  it("refuses a start without a sender, with the page saying where to set one and offering no form", async () => {
    const incident = await addIncident(t);
    const template = await addNoticeTemplate(t.db, incident.id);
    await t.db.prisma.organisationProfile.deleteMany({});
    await addPeople(t.db, incident.id, 3);
    const { campaign, deps } = await createTestCampaign(t, incident.reference, template.templateId);
    const startPath = `/incidents/${incident.reference}/campaigns/${campaign.id}/start`;
    const page = await manager.agent.get(startPath);
    assert.equal(page.status, 200);
    assert.match(page.text, /data-no-sender/);
    assert.match(page.text, /The notices have no sender yet/);
    assert.match(page.text, new RegExp(`href="/incidents/${incident.reference}/organisation">set this incident's own sender`));
    assert.doesNotMatch(page.text, /name="when"/, "no start form without a sender");
    // Posted anyway (a stale page, the API): refused, naming where to set it; nothing starts.
    const refused = await manager.agent
      .post(startPath)
      .type("form")
      .send({
        _csrf: csrfFrom((await manager.agent.get(`/incidents/${incident.reference}/campaigns/${campaign.id}`)).text),
        when: "now",
      });
    assert.equal(refused.status, 409);
    assert.match(
      refused.text,
      /The notices have no sender yet\. An administrator sets the organisation&#39;s sender name and address under Organisation \(\/admin\/organisation\)/,
    );
    const after = await deps.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    assert.equal(after.status, "draft");
    assert.equal(await t.db.prisma.delivery.count({ where: { campaignId: campaign.id } }), 0);
  });

  it("sends a scheduled campaign back to draft at its time when there is no sender, saying why", async () => {
    const incident = await addIncident(t);
    const template = await addNoticeTemplate(t.db, incident.id);
    await t.db.prisma.organisationProfile.deleteMany({});
    await addPeople(t.db, incident.id, 2);
    const { campaign, deps } = await createTestCampaign(t, incident.reference, template.templateId);
    await scheduleCampaign(deps, incident.reference, campaign.id, "2026-03-03 09:00", { userId: null, label: "test", ip: null });
    t.clock.set(new Date("2026-03-03T00:00:00Z"));
    const started = await startDueCampaigns(
      { ...deps, messageIdDomain: "example.org", fanOutBatch: 20_000, logger: t.deps.logger },
      t.clock.now(),
    );
    assert.equal(started, 0);
    const after = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    assert.equal(after.status, "draft");
    assert.match(after.pauseReason, /It could not start at its scheduled time: The notices have no sender yet\./);
    assert.equal(await t.db.prisma.delivery.count({ where: { campaignId: campaign.id } }), 0);
    t.clock.set(new Date("2026-03-02T09:00:00Z"));
  });

  it("re-shows the form with a message per field for a sender at localhost, a bad website and no name", async () => {
    const res = await postFrom(admin, "/admin/organisation", "/admin/organisation", {
      ...PROFILE,
      name: "",
      senderAddress: "breachdesk@localhost",
      website: "linux.org.au",
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /Enter the organisation&#39;s name, as the affected people know it\./);
    assert.match(
      res.text,
      /The sender address must be one e-mail address at your organisation&#39;s domain, such as privacy@example\.org\./,
    );
    assert.match(res.text, /The website must be an address such as https:\/\/example\.org\./);
    assert.match(res.text, /value="breachdesk@localhost"/, "what was typed is shown again");
    assert.equal(await t.db.prisma.organisationProfile.count(), 0);
  });

  it("lets only an administrator save the profile, audited with before and after", async () => {
    const refused = await postFrom(manager, "/admin/organisation", "/admin/organisation", PROFILE);
    assert.equal(refused.status, 403);
    const saved = await postFrom(admin, "/admin/organisation", "/admin/organisation", PROFILE);
    assert.equal(saved.status, 303, saved.text.slice(0, 400));
    const page = await admin.agent.get("/admin/organisation");
    assert.match(
      page.text,
      /<dd data-sender>Linux Australia &lt;notices@linux\.org\.au&gt;; replies go to privacy@linux\.org\.au<\/dd>/,
    );
    assert.match(page.text, /data-sender-check=/, "the sender domain's readiness is shown");
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "organisation.update" } });
    assert.equal(entry.actorId, admin.user.id);
    assert.equal(entry.before, null);
    assert.equal(JSON.parse(entry.after ?? "{}").senderAddress, "notices@linux.org.au");
    // A manager reads it, without a form.
    const read = await manager.agent.get("/admin/organisation");
    assert.match(read.text, /data-profile/);
    assert.doesNotMatch(read.text, /action="\/admin\/organisation"/);
  });

  it("takes an incident's own sender over the organisation's, audited with the incident; a viewer only reads", async () => {
    const incident = await addIncident(t);
    const path = `/incidents/${incident.reference}/organisation`;
    const read = await viewer.agent.get(path);
    assert.equal(read.status, 200);
    assert.doesNotMatch(read.text, new RegExp(`action="${path}"`));
    assert.equal((await postFrom(viewer, path, path, { senderName: "X" })).status, 403);
    const bad = await postFrom(manager, path, path, { senderAddress: "not an address" });
    assert.equal(bad.status, 400);
    const saved = await postFrom(manager, path, path, {
      senderName: "LCA 2016 Privacy",
      senderAddress: "lca2016-privacy@linux.org.au",
      replyTo: "",
      contactEmail: "",
      contactPhone: "+61 2 5550 0199",
    });
    assert.equal(saved.status, 303, saved.text.slice(0, 400));
    const page = await manager.agent.get(path);
    assert.match(
      page.text,
      /<dd data-sender>LCA 2016 Privacy &lt;lca2016-privacy@linux\.org\.au&gt;; replies go to privacy@linux\.org\.au<\/dd>/,
    );
    assert.match(page.text, /<dd data-contact>privacy@linux\.org\.au, \+61 2 5550 0199<\/dd>/);
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "incident_organisation.update" } });
    assert.equal(entry.incidentId, incident.id);
  });

  it("sends the campaign from the incident's sender with the organisation's reply-to, pinned at the start, with {{organisation.*}} filled", async () => {
    const incident = await addIncident(t);
    const path = `/incidents/${incident.reference}/organisation`;
    await postFrom(manager, path, path, { senderName: "LCA 2016", senderAddress: "lca2016@linux.org.au" });
    const template = await addNoticeTemplate(t.db, incident.id);
    // A version that names the organisation through its placeholders.
    const sections = Object.fromEntries(sectionKeys.map((key) => [key, `${key}.`]));
    sections.whoWeAre =
      "We are {{organisation.name}}, {{organisation.address}}. Write to {{organisation.privacy_officer}} or see {{organisation.website}}.";
    const versionId = newId();
    await t.db.prisma.noticeTemplateVersion.create({
      data: {
        id: versionId,
        templateId: template.templateId,
        incidentId: incident.id,
        language: "en",
        version: 2,
        subject: "From {{organisation.name}}",
        sections: serializeContent({
          sections: sections as never,
          headings: defaultHeadings(),
          details: { organisation: "", contactEmail: "", contactPhone: "" },
          checkedItems: [],
        }),
        createdAt: new Date("2026-03-01T01:00:00Z"),
      },
    });
    await addPeople(t.db, incident.id, 4);
    const { campaign } = await createTestCampaign(t, incident.reference, template.templateId);
    const base = `/incidents/${incident.reference}/campaigns/${campaign.id}`;
    const startPage = await manager.agent.get(`${base}/start`);
    assert.match(
      startPage.text,
      /<dt>From<\/dt><dd data-sender>LCA 2016 &lt;lca2016@linux\.org\.au&gt;; replies go to privacy@linux\.org\.au/,
    );
    assert.match(startPage.text, /this incident&#39;s own sender/);
    // The pace, not "at once" (MAIL_RATE_PER_SECOND is 50 by default).
    assert.match(startPage.text, /Now: <span data-pace>4 notices at 50 a second: all within a second<\/span>/);
    // The DNS check gave up on the absent server and says so, as a warning that does not stop the start.
    assert.match(startPage.text, /data-sender-check="warnings"/);
    assert.match(startPage.text, /Could not check the SPF record of linux\.org\.au: the DNS server refused the connection\./);
    const started = await postFrom(manager, `${base}/start`, `${base}/start`, { when: "now" });
    assert.equal(started.status, 303, started.text.slice(0, 600));

    // The profile changes after the start: the campaign keeps what it pinned.
    await postFrom(admin, "/admin/organisation", "/admin/organisation", {
      ...PROFILE,
      name: "Renamed Org",
      replyTo: "new@linux.org.au",
    });
    const mailer = createCatcherMailer({ db: t.db, from: t.deps.config.MAIL_FROM, clock: t.clock });
    await runUntilSettled(t, testSender(t, mailer), campaign.id);
    const caught = await t.db.prisma.caughtMail.findMany({ where: { subject: "From Linux Australia Inc." } });
    assert.equal(caught.length, 4);
    const headers = JSON.parse(caught[0]!.headers) as Record<string, string>;
    assert.equal(headers.From, "LCA 2016 <lca2016@linux.org.au>");
    assert.equal(headers["Reply-To"], "privacy@linux.org.au");
    assert.match(
      caught[0]!.text ?? "",
      /We are Linux Australia Inc\., PO Box 7143, Wagga Wagga NSW 2650\. Write to Jane Citizen \(dpo@linux\.org\.au\) or see https:\/\/linux\.org\.au\./,
    );
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "campaign.start", entityId: campaign.id } });
    assert.match(audit.after ?? "", /"from":"LCA 2016 <lca2016@linux\.org\.au>"/);
    const show = await manager.agent.get(base);
    assert.match(show.text, /<dd data-sender>LCA 2016 &lt;lca2016@linux\.org\.au&gt;, replies to privacy@linux\.org\.au<\/dd>/);
  });

  it("starts a new notice's contact details from the organisation, the incident's own contact point over it", async () => {
    const incident = await addIncident(t);
    const path = `/incidents/${incident.reference}/organisation`;
    await postFrom(manager, path, path, { contactPhone: "+61 2 5550 0177" });
    const templateId = newId();
    const now = new Date("2026-03-01T00:00:00Z");
    await t.db.prisma.noticeTemplate.create({
      data: { id: templateId, incidentId: incident.id, name: "First notice", createdAt: now, updatedAt: now },
    });
    const editor = await manager.agent.get(`/incidents/${incident.reference}/notices/${templateId}/edit`);
    assert.equal(editor.status, 200);
    // The profile as the previous step left it (renamed after that campaign started).
    assert.match(editor.text, /name="organisation"[^>]*value="Renamed Org"/);
    assert.match(editor.text, /value="privacy@linux\.org\.au"/);
    assert.match(editor.text, /value="\+61 2 5550 0177"/);
  });

  it("counts a notice whose {{organisation.*}} has no value as broken, naming what to set", async () => {
    await postFrom(admin, "/admin/organisation", "/admin/organisation", { ...PROFILE, website: "" });
    const incident = await addIncident(t);
    const template = await addNoticeTemplate(t.db, incident.id);
    await t.db.prisma.noticeTemplateVersion.updateMany({
      where: { templateId: template.templateId },
      data: { subject: "See {{organisation.website}}" },
    });
    await addPeople(t.db, incident.id, 2);
    const { campaign } = await createTestCampaign(t, incident.reference, template.templateId);
    const page = await manager.agent.get(`/incidents/${incident.reference}/campaigns/${campaign.id}/start`);
    assert.match(page.text, /data-not-ready/);
    assert.match(
      page.text,
      /the organisation has no website for \{\{organisation\.website\}\} \(set it on the Organisation page\): 2/,
    );
  });
});
