import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newId } from "../../src/lib/ids.js";
import { sendCampaignNow } from "../../src/modules/campaigns/campaigns.service.js";
import { addIncidentData } from "../../src/modules/data-categories/incident-data.service.js";
import { applyObligations } from "../../src/modules/obligations/obligations.service.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addNoticeTemplate, addPeople, createTestCampaign } from "../helpers/campaigns.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;
const system = { userId: null, label: "test", ip: null };

/**
 * Until src/app.ts mounts noticesRoutes and incident-sections.ts lists noticesSection, this puts
 * them where the app would (the router before the 404 handler); once they are wired it does nothing.
 */

async function postOn(client: Client, pagePath: string, path: string, form: Record<string, string | string[]>) {
  const page = await client.agent.get(pagePath);
  return client.agent
    .post(path)
    .type("form")
    .send({ _csrf: csrfFrom(page.text), ...form });
}

/** A complete English notice as the editor sends it. */
function goodForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    language: "en",
    subject: "A data breach that affects you, {{first_name}}",
    section_whoWeAre: "We are {{organisation}}.",
    section_whatHappened: "Someone copied the registration database.",
    section_when: "22 March 2016.",
    section_whatInformation: "Someone may send you convincing phishing e-mails.",
    section_whatWeHaveDone: "- We rebuilt the server.",
    section_whatYouShouldDo: "Change your password.",
    section_learnMore: "https://example.org/breach",
    organisation: "Linux Australia",
    contactEmail: "privacy@example.org",
    contactPhone: "",
    ...overrides,
  };
}

describe("notice pages", () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;
  let ref: string;
  let incidentId: string;
  let base: string;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
    const incident = await addIncident(t);
    ref = incident.reference;
    incidentId = incident.id;
    for (const categoryId of ["email_address", "password_hashes"]) {
      await addIncidentData(t.deps, ref, { categoryId, details: "", encrypted: "no" }, system);
    }
    await applyObligations(
      t.deps,
      ref,
      { ruleIds: ["AU-NDB-individuals", "NZ-PA2020-individuals"], extraRuleId: "", browseRuleId: "" },
      system,
    );
  });
  after(() => t.close());

  it("creates a template from the incident page, refusing an empty name with a message", async () => {
    const page = await manager.agent.get(`/incidents/${ref}/notifications`);
    assert.equal(page.status, 200);
    assert.match(page.text, /id="notices"/);
    assert.match(page.text, /No notice to the affected people is written yet/);

    const empty = await postOn(manager, `/incidents/${ref}/notices`, `/incidents/${ref}/notices`, {
      name: "  ",
      fallbackLanguage: "en",
    });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /Name the notice, e\.g\. Notice to members\./);

    const badLanguage = await postOn(manager, `/incidents/${ref}/notices`, `/incidents/${ref}/notices`, {
      name: "Notice to members",
      fallbackLanguage: "English please!",
    });
    assert.equal(badLanguage.status, 400);
    assert.match(
      badLanguage.text,
      /&#34;English please!&#34; is not a language tag|"English please!" is not a language tag|&quot;English please!&quot; is not a language tag/,
    );
    assert.match(badLanguage.text, /value="Notice to members"/, "the name typed is kept");

    const created = await postOn(manager, `/incidents/${ref}/notices`, `/incidents/${ref}/notices`, {
      name: "Notice to members",
      fallbackLanguage: "EN",
    });
    assert.equal(created.status, 303);
    const template = await t.db.prisma.noticeTemplate.findFirstOrThrow({ where: { incidentId } });
    assert.equal(template.fallbackLanguage, "en");
    base = `/incidents/${ref}/notices/${template.id}`;
    assert.equal(created.headers.location, `${base}/edit`);
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "notice_template.create" } });
    assert.equal(audit.incidentId, incidentId);
  });

  it("shows the editor with the placeholders and the content check of the empty words", async () => {
    const page = await manager.agent.get(`${base}/edit`);
    assert.equal(page.status, 200);
    assert.match(page.text, /The first version of this notice in en/);
    for (const name of ["first_name", "full_name", "incident_reference", "categories", "contact_email", "attribute:NAME"]) {
      assert.ok(page.text.includes(`{{${name}}}`), name);
    }
    assert.match(page.text, /data-check="AU-NDB-individuals:description" data-met="no"/);
    // The incident records data categories, so each notice lists the kinds of information concerned.
    assert.match(page.text, /data-check="AU-NDB-individuals:kinds_of_information" data-met="yes"/);
    assert.match(page.text, /3 items are missing/);
    // The NZ items are ticked by hand: checkboxes of the editor's form.
    assert.match(
      page.text,
      /<input type="checkbox" name="checked" value="NZ-PA2020-individuals\|contact details" form="notice-form">/,
    );
  });

  it("refuses an unknown placeholder, naming it, and loses none of the words typed", async () => {
    const res = await postOn(
      manager,
      `${base}/edit`,
      `${base}/versions`,
      goodForm({ section_whatHappened: "Dear {{frist_name}}, someone copied <b>it</b>." }),
    );
    assert.equal(res.status, 400);
    assert.match(
      res.text,
      /\{\{frist_name\}\} is not a placeholder Breachdesk knows\. Did you mean \{\{first_name\}\} for \{\{frist_name\}\}\?/,
    );
    assert.match(res.text, /Dear \{\{frist_name\}\}, someone copied &lt;b&gt;it&lt;\/b&gt;\.<\/textarea>/);
    assert.match(res.text, /value="privacy@example\.org"/);
    assert.equal(await t.db.prisma.noticeTemplateVersion.count(), 0);
  });

  it("refuses an empty subject, a contact placeholder without its detail and a bad address, each on its field", async () => {
    const res = await postOn(
      manager,
      `${base}/edit`,
      `${base}/versions`,
      goodForm({ subject: "   ", section_learnMore: "Call {{contact_phone}}.", contactEmail: "not an address" }),
    );
    assert.equal(res.status, 400);
    assert.match(res.text, /Write a subject: it is the first line people see\./);
    assert.match(res.text, /Enter the contact e-mail address like privacy@example\.org\./);
    assert.equal(await t.db.prisma.noticeTemplateVersion.count(), 0);

    const phone = await postOn(
      manager,
      `${base}/edit`,
      `${base}/versions`,
      goodForm({ section_learnMore: "Call {{contact_phone}}." }),
    );
    assert.equal(phone.status, 400);
    assert.match(
      phone.text,
      /\{\{contact_phone\}\} is used in the notice: fill in the contact phone number, or take the placeholder out\./,
    );
  });

  it("saves version 1 with hostile words kept as data, audited; the same words again save nothing", async () => {
    const hostile = goodForm({
      subject: `<script>alert(1)</script> "Notice" for {{first_name}}`,
      section_whatHappened: `<img src=x onerror=alert(1)> =cmd|' /C calc'!A0 and "quotes"`,
      checked: ["NZ-PA2020-individuals|contact details", "NZ-PA2020-individuals|not a real item"],
    });
    const saved = await postOn(manager, `${base}/edit`, `${base}/versions`, hostile);
    assert.equal(saved.status, 303, saved.text.slice(0, 400));
    assert.equal(saved.headers.location, `${base}/edit?language=en`);
    const version = await t.db.prisma.noticeTemplateVersion.findFirstOrThrow({ where: { incidentId } });
    assert.equal(version.version, 1);
    assert.equal(version.subject, `<script>alert(1)</script> "Notice" for {{first_name}}`);
    const stored = JSON.parse(version.sections);
    assert.equal(stored.whatHappened, `<img src=x onerror=alert(1)> =cmd|' /C calc'!A0 and "quotes"`);
    assert.deepEqual(stored.checkedItems, ["NZ-PA2020-individuals|contact details"], "only ticks of applying items are kept");
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "notice_template_version.create" } });
    assert.equal(audit.incidentId, incidentId);
    assert.match(audit.after ?? "", /"version":1/);

    const editor = await manager.agent.get(`${base}/edit?language=en`);
    assert.match(
      editor.text,
      /Saved en version 1 of &#34;Notice to members&#34;\.|Saved en version 1 of &quot;Notice to members&quot;\./,
    );
    assert.ok(!editor.text.includes("<img src=x"), "the words are escaped in the textarea");
    assert.match(editor.text, /data-check="AU-NDB-individuals:description" data-met="yes"/);
    assert.match(editor.text, /value="NZ-PA2020-individuals\|contact details" form="notice-form" checked>/);

    const again = await postOn(manager, `${base}/edit`, `${base}/versions`, hostile);
    assert.equal(again.status, 303);
    assert.equal(await t.db.prisma.noticeTemplateVersion.count(), 1);
    const flashed = await manager.agent.get(again.headers.location as string);
    assert.match(flashed.text, /Nothing changed: en version 1 stays the latest\./);
  });

  it("saves version 2, keeps version 1 viewable, and lists both", async () => {
    const saved = await postOn(manager, `${base}/edit`, `${base}/versions`, goodForm());
    assert.equal(saved.status, 303);
    const versions = await t.db.prisma.noticeTemplateVersion.findMany({ where: { incidentId }, orderBy: { version: "asc" } });
    assert.deepEqual(
      versions.map((v) => v.version),
      [1, 2],
    );
    const page = await viewer.agent.get(base);
    assert.equal(page.status, 200);
    assert.match(page.text, /Version 2<\/a> <span class="tag">latest<\/span>/);
    assert.match(page.text, /Version 1<\/a>/);
    assert.doesNotMatch(page.text, /Edit the words/);
    const old = await viewer.agent.get(`${base}/versions/${versions[0]!.id}`);
    assert.equal(old.status, 200);
    assert.match(old.text, /en version 1/);
    assert.match(old.text, /&lt;img src=x onerror=alert\(1\)&gt; =cmd\|&#39; \/C calc&#39;!A0/);
    assert.doesNotMatch(old.text, /<img src=x/);
    const missing = await viewer.agent.get(`${base}/versions/${newId()}`);
    assert.equal(missing.status, 404);
  });

  it("opens a new language with the fallback's words to translate, and refuses a tag that is not one", async () => {
    const fr = await manager.agent.get(`${base}/edit?language=fr_ca`);
    assert.equal(fr.status, 200);
    assert.match(fr.text, /There is no fr-CA version yet\. These words are copied from en version 2/);
    assert.match(fr.text, /Someone copied the registration database\.<\/textarea>/);
    const saved = await postOn(
      manager,
      `${base}/edit?language=fr-CA`,
      `${base}/versions`,
      goodForm({
        language: "fr-CA",
        subject: "Avis pour {{first_name}}",
        heading_whoWeAre: "  Qui   sommes-nous ",
        heading_when: "",
      }),
    );
    assert.equal(saved.status, 303);
    const frVersion = await t.db.prisma.noticeTemplateVersion.findFirstOrThrow({ where: { language: "fr-CA", version: 1 } });
    const headings = JSON.parse(frVersion.sections).headings;
    assert.equal(headings.whoWeAre, "Qui sommes-nous");
    assert.equal(headings.when, "When it happened", "an empty heading is the English one");

    const bad = await manager.agent.get(`${base}/edit?language=${encodeURIComponent("<script>")}`);
    assert.equal(bad.status, 400);
    assert.match(bad.text, /&#34;&lt;script&gt;&#34; is not a language tag|&quot;&lt;script&gt;&quot; is not a language tag/);
  });

  it("previews any person's notice in their language, with its problems, and serves the HTML part sandboxed", async () => {
    const now = new Date("2026-03-01T00:00:00Z");
    const people = [
      { givenName: `<script>x</script>Zoë`, familyName: "Ñúñez", email: "zoe@example.org", language: "fr-CA", key: "a" },
      { givenName: "", familyName: "Nobody", email: null, language: null, key: "b" },
    ];
    const ids: string[] = [];
    for (const p of people) {
      const id = newId();
      ids.push(id);
      await t.db.prisma.person.create({
        data: {
          id,
          incidentId,
          uniqueKey: `ext:${p.key}`,
          externalId: p.key,
          givenName: p.givenName,
          familyName: p.familyName,
          email: p.email,
          emailNormalized: p.email,
          language: p.language,
          createdAt: now,
          updatedAt: now,
        },
      });
    }
    const found = await viewer.agent.get(`${base}/preview?q=nobody`);
    assert.equal(found.status, 200);
    assert.match(found.text, new RegExp(`person=${ids[1]}`));
    assert.doesNotMatch(found.text, new RegExp(`person=${ids[0]}`));

    const zoe = await viewer.agent.get(`${base}/preview?person=${ids[0]}`);
    assert.equal(zoe.status, 200);
    assert.match(zoe.text, /fr-CA version 1/);
    assert.match(zoe.text, /Avis pour &lt;script&gt;x&lt;\/script&gt;Zoë/);
    assert.doesNotMatch(zoe.text, /<script>x/);
    assert.doesNotMatch(zoe.text, /Send a test to yourself/, "a viewer cannot send a test");

    const nobody = await viewer.agent.get(`${base}/preview?person=${ids[1]}`);
    assert.match(nobody.text, /This person&#39;s notice would be broken|This person's notice would be broken/);
    assert.match(nobody.text, /no first name for \{\{first_name\}\}/);
    assert.match(nobody.text, /No e-mail address: this person needs another channel/);

    const html = await viewer.agent.get(`${base}/preview/html?person=${ids[0]}`);
    assert.equal(html.status, 200);
    assert.match(html.headers["content-security-policy"] ?? "", /sandbox/);
    assert.match(html.headers["content-security-policy"] ?? "", /default-src 'none'/);
    assert.match(html.text, /<html lang="fr-CA"/);
    assert.ok(html.text.includes("&lt;script&gt;x&lt;/script&gt;Zoë"));

    const pinned = await viewer.agent.get(
      `${base}/preview?person=${ids[0]}&version=${(await t.db.prisma.noticeTemplateVersion.findFirstOrThrow({ where: { language: "en", version: 1 } })).id}`,
    );
    assert.match(pinned.text, /en version 1 <span class="muted">\(chosen above\)/);

    const other = await addIncident(t);
    const stranger = await t.db.prisma.person.create({
      data: { id: newId(), incidentId: other.id, uniqueKey: "ext:s", createdAt: now, updatedAt: now },
    });
    assert.equal((await viewer.agent.get(`${base}/preview?person=${stranger.id}`)).status, 404);
  });

  it("sends a test to the signed-in manager, subject prefixed [TEST], audited", async () => {
    const person = await t.db.prisma.person.findFirstOrThrow({ where: { incidentId, uniqueKey: "ext:a" } });
    const preview = `${base}/preview?person=${person.id}`;
    const page = await manager.agent.get(preview);
    assert.match(page.text, /Send a test to yourself/);
    const sent = await postOn(manager, preview, `${base}/test`, { person: person.id });
    assert.equal(sent.status, 303);
    assert.equal(sent.headers.location, preview);
    const mail = await t.db.prisma.caughtMail.findFirstOrThrow({ where: { to: manager.user.email } });
    assert.equal(mail.subject, "[TEST] Avis pour <script>x</script>Zoë");
    assert.match(mail.html ?? "", /&lt;script&gt;x&lt;\/script&gt;Zoë/);
    assert.match(JSON.parse(mail.headers)["X-Breachdesk-Test"], /notice/);
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "notice_template_version.send_test" } });
    assert.equal(audit.incidentId, incidentId);
    const flashed = await manager.agent.get(preview);
    assert.match(
      flashed.text,
      new RegExp(
        `A test of fr-CA version 1 was sent to ${manager.user.email.replace(/[.]/g, "\\.")} \\(kept in the mail catcher`,
      ),
    );
  });

  it("names the data categories in a version's language: limits refused by name, hostile words escaped, the rest in English", async () => {
    const english = await manager.agent.get(`${base}/edit?language=en`);
    assert.match(english.text, /<legend>How this version names the data categories<\/legend>/);
    assert.match(
      english.text,
      /This version is in English: an empty box uses the catalogue&#39;s words|This version is in English: an empty box uses the catalogue's words/,
    );

    const fr = await manager.agent.get(`${base}/edit?language=fr-CA`);
    assert.match(
      fr.text,
      /Give them in French: an empty box uses the catalogue&#39;s English|Give them in French: an empty box uses the catalogue's English/,
    );
    // The incident's two categories, most sensitive first, empty with the catalogue's English as placeholder and under the box.
    assert.ok(fr.text.indexOf('id="categoryName_password_hashes"') < fr.text.indexOf('id="categoryName_email_address"'));
    assert.match(
      fr.text,
      /<input id="categoryName_password_hashes" name="categoryName_password_hashes" type="text" value="" placeholder="Password hashes"/,
    );
    assert.match(
      fr.text,
      /<textarea id="categoryAdvice_email_address" name="categoryAdvice_email_address" rows="3" placeholder="Be wary of e-mails about this incident[^"]*"[^>]*><\/textarea>/,
    );
    assert.match(fr.text, /In English: Be wary of e-mails about this incident/);
    assert.doesNotMatch(fr.text, /categoryName_identity/, "only the incident's categories");

    const french = {
      language: "fr-CA",
      subject: "Avis pour {{first_name}}",
      categoryName_email_address: `<script>alert(1)</script> Adresses courriel`,
      categoryAdvice_email_address: "Méfiez-vous des courriels\r\nqui parlent de cet incident.",
    };
    const before = await t.db.prisma.noticeTemplateVersion.findMany({ orderBy: [{ language: "asc" }, { version: "asc" }] });
    const tooLong = await postOn(
      manager,
      `${base}/edit?language=fr-CA`,
      `${base}/versions`,
      goodForm({
        ...french,
        categoryName_password_hashes: "Empreintes de mots de passe",
        categoryAdvice_password_hashes: "é".repeat(1001),
      }),
    );
    assert.equal(tooLong.status, 400);
    assert.match(
      tooLong.text,
      /The advice given for &#34;Password hashes&#34; has at most 1,000 characters \(it has 1,001\)\.|The advice given for &quot;Password hashes&quot; has at most 1,000 characters \(it has 1,001\)\./,
    );
    assert.match(tooLong.text, /<a href="#categoryAdvice_password_hashes">/, "the summary links to the box");
    // Everything typed is on the form again, the hostile name as text.
    assert.match(tooLong.text, /value="Empreintes de mots de passe"/);
    assert.match(tooLong.text, /value="&lt;script&gt;alert\(1\)&lt;\/script&gt; Adresses courriel"/);
    assert.ok(tooLong.text.includes(`${"é".repeat(1001)}</textarea>`));
    assert.doesNotMatch(tooLong.text, /<script>alert\(1\)/);
    const unchanged = await t.db.prisma.noticeTemplateVersion.findMany({ orderBy: [{ language: "asc" }, { version: "asc" }] });
    assert.deepEqual(unchanged, before, "nothing saved is changed, nothing new is saved");

    const saved = await postOn(manager, `${base}/edit?language=fr-CA`, `${base}/versions`, goodForm(french));
    assert.equal(saved.status, 303, saved.text.slice(0, 400));
    const v2 = await t.db.prisma.noticeTemplateVersion.findFirstOrThrow({ where: { language: "fr-CA", version: 2 } });
    assert.deepEqual(JSON.parse(v2.sections).categoryWords, {
      email_address: {
        name: "<script>alert(1)</script> Adresses courriel",
        advice: "Méfiez-vous des courriels qui parlent de cet incident.",
      },
    });
    const v1 = await t.db.prisma.noticeTemplateVersion.findFirstOrThrow({ where: { language: "fr-CA", version: 1 } });
    assert.equal(JSON.parse(v1.sections).categoryWords, undefined, "version 1 keeps its words");

    // Editing starts from the latest version's words.
    const again = await manager.agent.get(`${base}/edit?language=fr-CA`);
    assert.match(again.text, /value="&lt;script&gt;alert\(1\)&lt;\/script&gt; Adresses courriel"/);
    assert.match(again.text, /Méfiez-vous des courriels qui parlent de cet incident\.<\/textarea>/);
    assert.match(again.text, /<input id="categoryName_password_hashes" name="categoryName_password_hashes" type="text" value=""/);

    const zoe = await t.db.prisma.person.findFirstOrThrow({ where: { incidentId, uniqueKey: "ext:a" } });
    const html = await viewer.agent.get(`${base}/preview/html?person=${zoe.id}`);
    assert.ok(
      html.text.includes(
        "<strong>&lt;script&gt;alert(1)&lt;/script&gt; Adresses courriel</strong><br>Méfiez-vous des courriels qui parlent de cet incident.",
      ),
    );
    assert.match(
      html.text,
      /<strong>Password hashes<\/strong><br>Change your password/,
      "a category without French words is in English",
    );
    assert.doesNotMatch(html.text, /<script>alert\(1\)/);
    const page = await viewer.agent.get(`${base}/versions/${v2.id}`);
    assert.match(page.text, /How this version names the data categories/);
    assert.match(page.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt; Adresses courriel/);
  });

  it("checks every person's notice and the content of the latest versions", async () => {
    const page = await viewer.agent.get(`${base}/check`);
    assert.equal(page.status, 200);
    assert.match(page.text, /data-count="checked">2</);
    assert.match(page.text, /data-count="broken">1</);
    assert.match(page.text, /no first name for \{\{first_name\}\}<\/th><td class="num">1</);
    // The NZ items were not ticked on version 2.
    assert.match(page.text, /data-gap="NZ-PA2020-individuals"/);
    assert.match(page.text, /Not ready yet/);
    // fr-CA names one of the incident's categories in French only: a warning, apart from the gaps.
    assert.match(
      page.text,
      /<li data-warning="english_categories" data-language="fr-CA">The fr-CA version names 1 data category in English: Password hashes; give its French wording in the editor\. <a href="[^"]*\/edit\?language=fr-CA#category-words">/,
    );
    assert.doesNotMatch(page.text, /data-language="en"/, "an English version has no such warning");
  });

  it("warns of categories in English without making the notice unready, and a campaign starts", async () => {
    const incident = await addIncident(t);
    const template = await addNoticeTemplate(t.db, incident.id, ["en", "fr"]);
    await addPeople(t.db, incident.id, 2, (i) => ({ language: i === 0 ? "fr" : "en" }));
    const page = await viewer.agent.get(`/incidents/${incident.reference}/notices/${template.templateId}/check`);
    assert.equal(page.status, 200);
    assert.match(
      page.text,
      /Ready: nothing the law requires is missing, and every person&#39;s notice renders\.|Ready: nothing the law requires is missing, and every person's notice renders\./,
    );
    assert.match(
      page.text,
      /The fr version names 1 data category in English: E-mail addresses; give its French wording in the editor\./,
    );
    const { campaign, deps } = await createTestCampaign(t, incident.reference, template.templateId);
    // The start page says the same, beside the confirmation it still offers.
    const confirm = await manager.agent.get(`/incidents/${incident.reference}/campaigns/${campaign.id}/start`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /data-ready/);
    assert.match(
      confirm.text,
      /<li data-warning="english_categories">The fr version names 1 data category in English: E-mail addresses; give its French wording in the editor\. <a href="[^"]*\/edit\?language=fr#category-words">/,
    );
    assert.match(confirm.text, /<button type="submit" class="button">Confirm<\/button>/);
    await sendCampaignNow(deps, incident.reference, campaign.id, system);
    const started = await t.db.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    assert.equal(started.status, "sending");
    assert.equal(await t.db.prisma.delivery.count({ where: { campaignId: campaign.id } }), 2);
  });

  it("refuses managers' actions to a viewer, and any post without the CSRF token", async () => {
    assert.equal((await viewer.agent.get(`${base}/edit`)).status, 403);
    const incidentPage = await viewer.agent.get(`/incidents/${ref}/notifications`);
    assert.match(incidentPage.text, /Notice to members<\/a>/);
    assert.doesNotMatch(incidentPage.text, /Write a new notice/);
    const list = await viewer.agent.get(`/incidents/${ref}/notices`);
    assert.equal(list.status, 200);
    assert.doesNotMatch(list.text, /Write a new notice/);
    for (const path of [`/incidents/${ref}/notices`, `${base}/versions`, `${base}/settings`, `${base}/test`]) {
      const res = await postOn(viewer, `/incidents/${ref}/notices`, path, goodForm({ name: "x" }));
      assert.equal(res.status, 403, path);
    }
    const noToken = await manager.agent
      .post(`${base}/versions`)
      .type("form")
      .send(goodForm({ subject: "Changed" }));
    assert.equal(noToken.status, 403);
    assert.equal(await t.db.prisma.noticeTemplateVersion.count({ where: { subject: "Changed" } }), 0);
  });

  it("renames a template and changes its fallback language, audited, refusing a bad tag", async () => {
    const bad = await postOn(manager, base, `${base}/settings`, { name: "Members", fallbackLanguage: "12" });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /is not a language tag/);
    const ok = await postOn(manager, base, `${base}/settings`, { name: "Members' notice", fallbackLanguage: "fr-ca" });
    assert.equal(ok.status, 303);
    const template = await t.db.prisma.noticeTemplate.findFirstOrThrow({ where: { incidentId } });
    assert.equal(template.name, "Members' notice");
    assert.equal(template.fallbackLanguage, "fr-CA");
    assert.ok(await t.db.prisma.auditEntry.findFirst({ where: { action: "notice_template.update", incidentId } }));
  });

  it("answers 404 for a template of another incident", async () => {
    const other = await addIncident(t);
    const template = await t.db.prisma.noticeTemplate.findFirstOrThrow({ where: { incidentId } });
    for (const suffix of ["", "/edit", "/preview", "/check"]) {
      assert.equal(
        (await manager.agent.get(`/incidents/${other.reference}/notices/${template.id}${suffix}`)).status,
        404,
        suffix,
      );
    }
  });
});
