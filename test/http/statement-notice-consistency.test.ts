import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addPeople } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";
import { ensureOrganisationSender } from "../helpers/organisation.js";

type Client = Awaited<ReturnType<typeof signedIn>>;
// biome-ignore lint/suspicious/noExplicitAny: the API's JSON answers, read field by field
type Json = Record<string, any>;
const system = { userId: null, label: "test", ip: null };
const OWN_STEP = "- Change your password on any other site where you used the one you had with us.";

const unescapeHtml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/** The fields of the editor's form (#notice-form) as a browser would send them. */
function editorForm(html: string): Record<string, string> {
  const form = /<form id="notice-form"[\s\S]*?<\/form>/.exec(html)?.[0] ?? "";
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) fields[m[1]!] = unescapeHtml(m[2]!);
  for (const m of form.matchAll(/<input([^>]*)>/g)) {
    const name = /name="([^"]+)"/.exec(m[1]!)?.[1];
    if (!name || /type="(checkbox|submit)"/.test(m[1]!)) continue;
    fields[name] = unescapeHtml(/value="([^"]*)"/.exec(m[1]!)?.[1] ?? "");
  }
  return fields;
}

/**
 * Issue 14, item 2: one source for the statement and the notice. The notice editor starts from the
 * submitted statement; a campaign whose notice differs from an Australian statement is refused,
 * naming the difference, on the start page and through the API, until they agree or a manager
 * gives a reason (audited, on the timeline); a difference from a GDPR statement is a warning.
 */
describe(`statement and notice agree (${testLane})`, () => {
  let t: TestApp;
  let manager: Client;
  let token: string;
  let au: Incident;
  let templateId = "";
  let campaignId = "";

  const api = (method: "get" | "post", path: string) =>
    supertest(t.app)[method](`/api/v1${path}`).set("Authorization", `Bearer ${token}`);

  /** Drafts the statement of a rule from the record through the API and marks it submitted. */
  async function submitStatement(
    incident: Incident,
    rule: string,
    edit?: (drafted: Record<string, string>) => Record<string, string>,
  ) {
    const created = await api("post", `/incidents/${incident.reference}/statements`).send({ rule });
    assert.equal(created.status, 201, created.text.slice(0, 300));
    const id = created.body.id as string;
    if (edit) {
      const fields = edit(created.body.fields);
      const saved = await api("post", `/incidents/${incident.reference}/statements/${id}`).send({ fields, baseVersion: 1 });
      assert.equal(saved.status, 200, saved.text.slice(0, 300));
    }
    const submitted = await api("post", `/incidents/${incident.reference}/statements/${id}/submit`).send({
      submittedAt: "2026-03-01T09:00:00Z",
      how: "portal",
    });
    assert.equal(submitted.status, 200, submitted.text.slice(0, 300));
    return submitted.body as Json;
  }

  /** Posts the editor's form from its page (with that page's CSRF token). */
  async function saveVersion(ref: string, tplId: string, fields: Record<string, string>) {
    const page = await manager.agent.get(`/incidents/${ref}/notices/${tplId}/edit`);
    const res = await manager.agent
      .post(`/incidents/${ref}/notices/${tplId}/versions`)
      .type("form")
      .send({ ...fields, _csrf: csrfFrom(page.text) });
    assert.equal(res.status, 303, res.text.slice(0, 600));
  }

  async function newTemplate(ref: string) {
    const res = await manager.post(`/incidents/${ref}/notices`, { name: "Notice to attendees" }, `/incidents/${ref}/notices`);
    assert.equal(res.status, 303, res.text.slice(0, 300));
    return /notices\/([\w-]+)\/edit/.exec(String(res.headers.location))![1]!;
  }

  async function newCampaign(ref: string, tplId: string) {
    const res = await api("post", `/incidents/${ref}/campaigns`).send({ name: "First notice", templateId: tplId });
    assert.equal(res.status, 201, res.text.slice(0, 300));
    return res.body.id as string;
  }

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    await ensureOrganisationSender(t.db);
    const admin = await signedIn(t, "admin");
    const org = await admin.post(
      "/admin/organisation",
      {
        name: "Linux Australia",
        contactEmail: "council@linux.org.au",
        contactPhone: "+61 2 5550 1234",
        senderName: "Linux Australia",
        senderAddress: "privacy@linux.org.au",
      },
      "/admin/organisation",
    );
    assert.equal(org.status, 303, org.text.slice(0, 300));
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { id: manager.user.id } });
    token = (await createApiToken(t.deps, user.id, { name: "checks" }, system)).token;

    au = await addIncident(t, {
      title: "Zookeepr server compromised",
      summary: "An attacker gained root on the conference server through a remote buffer overflow.",
      detectedAt: "2026-02-24 12:00",
      awareAt: "2026-02-24 12:00",
    });
    const page = `/incidents/${au.reference}/deadlines`;
    await manager.post(`/incidents/${au.reference}/location`, { location: "AU" }, page);
    await manager.post(
      `/incidents/${au.reference}/obligations`,
      { ruleIds: ["AU-NDB-oaic", "AU-NDB-individuals"] } as never,
      page,
    );
    for (const categoryId of ["email_address", "password_hashes"]) {
      const res = await manager.post(`/incidents/${au.reference}/data`, { categoryId, details: "", encrypted: "unknown" }, page);
      assert.equal(res.status, 303, res.text.slice(0, 300));
    }
    await addPeople(t.db, au.id, 3);
  });
  after(() => t.close());

  it("starts a new notice version from the submitted OAIC statement: description, kinds, steps and contact carried over", async () => {
    // The steps drafted from the data categories' advice, and one the manager adds.
    await submitStatement(au, "AU-NDB-oaic", (drafted) => ({ recommendedSteps: `${drafted.recommendedSteps}\n${OWN_STEP}` }));
    templateId = await newTemplate(au.reference);
    const editor = await manager.agent.get(`/incidents/${au.reference}/notices/${templateId}/edit?from=statement`);
    assert.equal(editor.status, 200);
    assert.match(editor.text, /data-from-statement/);
    assert.match(editor.text, /These words start from the statement to [^<]* \(AU-NDB-oaic\) version 2, as submitted/);
    const fields = editorForm(editor.text);
    assert.match(fields.section_whatHappened!, /remote buffer overflow/);
    assert.equal(fields.section_whatYouShouldDo!.split("\n").length, 3);
    assert.ok(fields.section_whatYouShouldDo!.endsWith(OWN_STEP));
    assert.equal(fields.contactEmail, "council@linux.org.au");
    assert.equal(fields.contactPhone, "+61 2 5550 1234");
    assert.match(fields.fromStatement!, /^[\w-]+:2$/);

    await saveVersion(au.reference, templateId, { ...fields, subject: "Your registration details ({{incident_reference}})" });
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "notice_template_version.create", incidentId: au.id },
      orderBy: { at: "desc" },
    });
    assert.match(String(audit.after), /"fromStatement":\{"statementId":"[\w-]+","ruleId":"AU-NDB-oaic","version":2\}/);
  });

  it("starts the campaign whose notice agrees with the statement, saying so on the start page", async () => {
    campaignId = await newCampaign(au.reference, templateId);
    const start = await manager.agent.get(`/incidents/${au.reference}/campaigns/${campaignId}/start`);
    assert.match(start.text, /data-statement-check="agreed"/, start.text.slice(0, 3000));
    assert.match(start.text, /data-statement-agrees/);
    // It is not started here: the next test changes the notice first. The check is read again at each start.
  });

  it("refuses the start when the notice names a kind of information the AU statement does not, on the page and in the API", async () => {
    const editor = await manager.agent.get(`/incidents/${au.reference}/notices/${templateId}/edit`);
    const fields = editorForm(editor.text);
    await saveVersion(au.reference, templateId, {
      ...fields,
      section_whatInformation: "The attacker could read:\n- Conference registrations",
    });

    const page = `/incidents/${au.reference}/campaigns/${campaignId}/start`;
    const shown = await manager.agent.get(page);
    assert.match(shown.text, /data-statement-check="refused"/);
    assert.match(shown.text, /data-statement-differs="AU-NDB-oaic" data-severity="refusal"/);
    assert.match(shown.text, /<mark>“Conference registrations”<\/mark>/, "the difference is marked in the notice's column");

    const refused = await manager.agent
      .post(page)
      .type("form")
      .send({ _csrf: csrfFrom(shown.text), when: "now" });
    assert.equal(refused.status, 409);
    assert.match(refused.text, /The notice does not say what the statement to the regulator says/);
    assert.match(refused.text, /Make the notice and the statement agree, or give a reason to start anyway\./);

    const viaApi = await api("post", `/incidents/${au.reference}/campaigns/${campaignId}/start`).send({});
    assert.equal(viaApi.status, 409, viaApi.text.slice(0, 300));
    assert.equal(viaApi.body.error.code, "statement_mismatch");
    const [difference] = viaApi.body.error.differences as Json[];
    assert.equal(difference?.statement.rule, "AU-NDB-oaic");
    assert.equal(difference?.severity, "refusal");
    assert.deepEqual(difference?.items, [
      { key: "kinds", label: "Kinds of information", onlyInStatement: [], onlyInNotice: ["Conference registrations"] },
    ]);
    const campaign = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaignId } });
    assert.equal(campaign.status, "draft", "nothing was started");
  });

  it("starts when a manager overrides with a reason: audited and on the timeline", async () => {
    const reason = "The registrations were found after the statement; a follow-up statement goes to the OAIC today.";
    const blank = await api("post", `/incidents/${au.reference}/campaigns/${campaignId}/start`).send({
      override: { reason: " " },
    });
    assert.equal(blank.status, 400, "an empty reason is no reason");
    const started = await api("post", `/incidents/${au.reference}/campaigns/${campaignId}/start`).send({ override: { reason } });
    assert.equal(started.status, 200, started.text.slice(0, 400));
    assert.equal(started.body.status, "sending");
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "campaign.statement_override", incidentId: au.id },
    });
    const after = JSON.parse(String(audit.after)) as Json;
    assert.equal(after.reason, reason);
    assert.match(after.differences[0], /Kinds of information: the notice gives “Conference registrations”/);
    const event = await t.db.prisma.timelineEvent.findFirstOrThrow({
      where: { incidentId: au.id, description: { contains: "differs from the statement" } },
    });
    assert.match(event.description, /AU-NDB-oaic version 2/);
    assert.ok(event.description.endsWith(`Reason given: ${reason}`));
    const evidence = await manager.agent.get(`/incidents/${au.reference}/evidence`);
    assert.match(evidence.text, /although its notice differs from the statement to the regulator/, "the audit in words");
  });

  it("warns, without refusing, when the notice differs from a GDPR statement", async () => {
    const eu = await addIncident(t, {
      title: "Newsletter list exposed",
      timeZone: "Europe/Berlin",
      summary: "A list was public.",
    });
    const page = `/incidents/${eu.reference}/deadlines`;
    await manager.post(`/incidents/${eu.reference}/data`, { categoryId: "email_address", details: "", encrypted: "no" }, page);
    await addPeople(t.db, eu.id, 2);
    await submitStatement(eu, "EU-GDPR-33");
    const tpl = await newTemplate(eu.reference);
    const editor = await manager.agent.get(`/incidents/${eu.reference}/notices/${tpl}/edit?from=statement`);
    const fields = editorForm(editor.text);
    await saveVersion(eu.reference, tpl, {
      ...fields,
      subject: "About your newsletter subscription",
      contactEmail: "someone-else@example.org",
    });
    const id = await newCampaign(eu.reference, tpl);
    const start = await manager.agent.get(`/incidents/${eu.reference}/campaigns/${id}/start`);
    assert.match(start.text, /data-statement-check="warning"/);
    assert.match(start.text, /data-statement-differs="EU-GDPR-33" data-severity="warning"/);
    assert.match(start.text, /the notice gives “someone-else@example\.org”, which the statement does not/);
    assert.doesNotMatch(start.text, /id="overrideReason"/, "no reason is asked for a warning");
    const started = await api("post", `/incidents/${eu.reference}/campaigns/${id}/start`).send({});
    assert.equal(started.status, 200, started.text.slice(0, 400));
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "campaign.start", incidentId: eu.id } });
    assert.match(String(audit.after), /"statementDifferences":\["en version 1 and the statement EU-GDPR-33 version 1: Contact: /);
  });
});
