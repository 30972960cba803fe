import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AppError } from "../../src/lib/errors.js";
import { newId } from "../../src/lib/ids.js";
import { createSmtpMailer } from "../../src/mail/smtp-mailer.js";
import { addIncidentData } from "../../src/modules/data-categories/incident-data.service.js";
import {
  checkNoticeReadiness,
  createTemplate,
  FIRST_BROKEN_LIMIT,
  latestVersionIds,
  loadNoticeRenderer,
  saveVersion,
  sendTestNotice,
  toNoticeRecipient,
  type VersionInput,
} from "../../src/modules/notices/index.js";
import { byHandKey } from "../../src/modules/notices/notice-content-check.policy.js";
import { applyObligations } from "../../src/modules/obligations/obligations.service.js";
import { addUser, createTestApp, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";
import { startSmtpSink } from "../helpers/smtp-sink.js";

const system = { userId: null, label: "test", ip: null };

function words(overrides: Partial<VersionInput> = {}): VersionInput {
  return {
    language: "en",
    subject: "A breach that affects you, {{first_name}}",
    section_whoWeAre: "We are {{organisation}}.",
    section_whatHappened: "Someone copied the registration database.",
    section_when: "",
    section_whatInformation: "Member {{attribute:Member no}}, this is what we held:",
    section_whatWeHaveDone: "We rebuilt the server.",
    section_whatYouShouldDo: "Change your password.",
    section_learnMore: "",
    organisation: "Linux Australia",
    contactEmail: "privacy@example.org",
    contactPhone: "",
    checked: [],
    ...overrides,
  } as VersionInput;
}

interface PersonSeed {
  key: string;
  givenName?: string;
  email?: string | null;
  language?: string | null;
  country?: string | null;
  categoryIds?: string | null;
  attributes?: Record<string, string>;
}

async function addPeople(t: TestApp, incidentId: string, seeds: PersonSeed[]) {
  const at = new Date("2026-03-01T00:00:00Z");
  await t.db.prisma.person.createMany({
    data: seeds.map((s) => ({
      id: newId(),
      incidentId,
      uniqueKey: `ext:${s.key}`,
      externalId: s.key,
      givenName: s.givenName ?? "Pat",
      familyName: "Person",
      email: s.email === undefined ? `${s.key}@example.org` : s.email,
      emailNormalized: s.email === undefined ? `${s.key}@example.org` : s.email,
      language: s.language ?? null,
      country: s.country ?? "AU",
      categoryIds: s.categoryIds ?? null,
      attributes: JSON.stringify(s.attributes ?? { "Member no": s.key }),
      createdAt: at,
      updatedAt: at,
    })),
  });
}

describe("notice templates on the database", () => {
  let t: TestApp;
  let reference: string;
  let incidentId: string;
  let templateId: string;

  before(async () => {
    t = await createTestApp();
    const incident = await addIncident(t);
    reference = incident.reference;
    incidentId = incident.id;
    for (const categoryId of ["email_address", "password_hashes"]) {
      await addIncidentData(t.deps, reference, { categoryId, details: "", encrypted: "no" }, system);
    }
    ({
      template: { id: templateId },
    } = await createTemplate(t.deps, reference, { name: "Notice to members", fallbackLanguage: "en" }, system));
  });
  after(() => t.close());

  it("numbers versions per language and pins the latest of each", async () => {
    const v1 = await saveVersion(t.deps, reference, templateId, words(), system);
    const v2 = await saveVersion(t.deps, reference, templateId, words({ section_when: "22 March 2016." }), system);
    const fr = await saveVersion(
      t.deps,
      reference,
      templateId,
      words({ language: "fr", subject: "Avis pour {{first_name}}" }),
      system,
    );
    assert.deepEqual([v1.version.version, v2.version.version, fr.version.version], [1, 2, 1]);
    assert.deepEqual(await latestVersionIds(t.db.prisma, templateId), { en: v2.version.id, fr: fr.version.id });
  });

  it("gives each of two saves made at the same moment its own number, or refuses one as a conflict", async () => {
    const results = await Promise.allSettled([
      saveVersion(t.deps, reference, templateId, words({ section_learnMore: "https://example.org/a" }), system),
      saveVersion(t.deps, reference, templateId, words({ section_learnMore: "https://example.org/b" }), system),
    ]);
    for (const r of results) {
      if (r.status === "rejected") assert.ok(r.reason instanceof AppError && r.reason.code === "conflict", String(r.reason));
    }
    const numbers = (await t.db.prisma.noticeTemplateVersion.findMany({ where: { templateId, language: "en" } })).map(
      (v) => v.version,
    );
    assert.equal(new Set(numbers).size, numbers.length);
    assert.equal(numbers.length, 2 + results.filter((r) => r.status === "fulfilled").length);
  });

  it("loads the pinned versions once and renders each person in their language without the database", async () => {
    const versionIds = await latestVersionIds(t.db.prisma, templateId);
    const renderer = await loadNoticeRenderer(t.db.prisma, incidentId, versionIds);
    await addPeople(t, incidentId, [{ key: "render-fr", givenName: "Émilie", language: "fr-CA" }]);
    const row = await t.db.prisma.person.findFirstOrThrow({ where: { incidentId, uniqueKey: "ext:render-fr" } });
    const recipient = toNoticeRecipient(row);
    const version = renderer.versionFor(recipient.language);
    assert.equal(version.id, versionIds.fr);
    const notice = renderer.render(recipient, version.id);
    assert.ok(!(notice instanceof Promise), "render() is synchronous: it cannot wait for the database");
    assert.equal(notice.subject, "Avis pour Émilie");
    assert.match(notice.text, /Member render-fr, this is what we held:\n\n- Password hashes: /);
    assert.deepEqual(notice.problems, []);
  });

  it("refuses to load a version of another incident, of two templates, or none", async () => {
    const other = await addIncident(t);
    await assert.rejects(
      loadNoticeRenderer(t.db.prisma, other.id, await latestVersionIds(t.db.prisma, templateId)),
      /no version/,
    );
    await assert.rejects(loadNoticeRenderer(t.db.prisma, incidentId, {}), /no template version/);
    const second = await createTemplate(t.deps, reference, { name: "Second", fallbackLanguage: "en" }, system);
    const v = await saveVersion(t.deps, reference, second.template.id, words(), system);
    const mixed = { en: v.version.id, fr: (await latestVersionIds(t.db.prisma, templateId)).fr! };
    await assert.rejects(loadNoticeRenderer(t.db.prisma, incidentId, mixed), /different templates/);
  });

  it("checks readiness: content gaps per regime and every broken notice of the audience, page by page", async () => {
    const incident = await addIncident(t);
    const ref = incident.reference;
    await addIncidentData(t.deps, ref, { categoryId: "email_address", details: "", encrypted: "no" }, system);
    await applyObligations(
      t.deps,
      ref,
      { ruleIds: ["AU-NDB-individuals", "NZ-PA2020-individuals"], extraRuleId: "", browseRuleId: "" },
      system,
    );
    const { template } = await createTemplate(t.deps, ref, { name: "Notice", fallbackLanguage: "en" }, system);
    const ticked = byHandKey("NZ-PA2020-individuals", "contact details");
    await saveVersion(t.deps, ref, template.id, words({ section_whatYouShouldDo: "", checked: [ticked] }), system);

    const broken = Array.from({ length: 130 }, (_, i) => ({
      key: `b${String(i).padStart(3, "0")}`,
      givenName: "",
      country: "NZ",
    }));
    await addPeople(t, incident.id, [
      ...broken,
      { key: "a-fine" },
      { key: "a-no-email", email: null },
      { key: "c-empty-categories", categoryIds: "[]" },
      { key: "c-unknown-category", categoryIds: JSON.stringify(["email_address", "horoscopes"]) },
      { key: "c-no-member-no", attributes: {} },
    ]);
    const versionIds = await latestVersionIds(t.db.prisma, template.id);
    const readiness = await checkNoticeReadiness(t.db.prisma, { incidentId: incident.id, versionIds, pageSize: 7 });

    assert.equal(readiness.isReady, false);
    assert.deepEqual(
      readiness.contentGaps.map((g) => [g.ruleId, g.kind, g.item]),
      [
        ["AU-NDB-individuals", "automatic", "Recommendations about the steps individuals should take"],
        ["NZ-PA2020-individuals", "by_hand", "description of breach and personal information involved"],
        ["NZ-PA2020-individuals", "by_hand", "steps taken/intended"],
        ["NZ-PA2020-individuals", "by_hand", "steps the individual can take"],
        ["NZ-PA2020-individuals", "by_hand", "confirmation Commissioner notified and right to complain"],
      ],
    );
    const rp = readiness.renderProblems;
    assert.equal(rp.checked, 135);
    assert.equal(rp.broken, 133);
    assert.deepEqual(rp.problemCounts, [
      { problem: "no first name for {{first_name}}", count: 130 },
      { problem: 'no "Member no" value for {{attribute:Member no}}', count: 1 },
      { problem: "no data categories", count: 1 },
      { problem: 'unknown data category "horoscopes"', count: 1 },
    ]);
    assert.equal(rp.firstBroken.length, FIRST_BROKEN_LIMIT);
    // In unique-key order: the broken "b" people come before the "c" ones, which are past the first 100.
    const first = await t.db.prisma.person.findFirstOrThrow({ where: { incidentId: incident.id, uniqueKey: "ext:b000" } });
    assert.deepEqual(rp.firstBroken[0], {
      personId: first.id,
      name: "Person",
      email: "b000@example.org",
      language: "en",
      problems: ["no first name for {{first_name}}"],
    });
    assert.ok(!rp.firstBroken.some((b) => b.email === null), "no e-mail address is not a broken notice");

    const nz = await checkNoticeReadiness(t.db.prisma, { incidentId: incident.id, versionIds, audienceWhere: { country: "NZ" } });
    assert.equal(nz.renderProblems.checked, 130);
    assert.equal(nz.renderProblems.broken, 130);
  });

  it("sends a test to the user through a real SMTP server, subject prefixed [TEST]", async () => {
    const sink = await startSmtpSink();
    const mailer = createSmtpMailer({ url: sink.url, poolSize: 1, from: "breachdesk@example.org" });
    const catcher = t.deps.mailer;
    t.deps.mailer = mailer;
    try {
      const user = await addUser(t, "manager", "ada@example.org");
      const sent = await sendTestNotice(t.deps, reference, templateId, {}, user, {
        userId: user.id,
        label: user.email,
        ip: null,
      });
      assert.equal(sent.to, "ada@example.org");
      assert.equal(sink.messages.length, 1);
      const [message] = sink.messages;
      assert.deepEqual(message!.envelopeTo, ["ada@example.org"]);
      // No person chosen: the incident's first person (in unique-key order), in their language.
      assert.equal(message!.subject, "[TEST] Avis pour Émilie");
      assert.match(message!.text ?? "", /Someone copied the registration database\./);
      assert.match(message!.html ?? "", /<html lang="fr"/);
      assert.equal(message!.headers["x-breachdesk-test"], "notice");
      const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
        where: { action: "notice_template_version.send_test", actorId: user.id },
      });
      assert.equal(audit.incidentId, incidentId);
    } finally {
      t.deps.mailer = catcher;
      await mailer.close();
      await sink.close();
    }
  });

  it("says why a test could not be sent, and audits nothing", async () => {
    const sink = await startSmtpSink({ rejectRecipients: [{ match: /bounce@/, code: 550, message: "5.1.1 No such user here" }] });
    const mailer = createSmtpMailer({ url: sink.url, poolSize: 1, from: "breachdesk@example.org" });
    const catcher = t.deps.mailer;
    t.deps.mailer = mailer;
    try {
      const user = await addUser(t, "manager", "bounce@example.org");
      await assert.rejects(
        sendTestNotice(t.deps, reference, templateId, {}, user, { userId: user.id, label: user.email, ip: null }),
        (error: unknown) => error instanceof AppError && /The test was not sent: .*No such user here/.test(error.message),
      );
      assert.equal(
        await t.db.prisma.auditEntry.count({ where: { action: "notice_template_version.send_test", actorId: user.id } }),
        0,
      );
    } finally {
      t.deps.mailer = catcher;
      await mailer.close();
      await sink.close();
    }
  });
});
