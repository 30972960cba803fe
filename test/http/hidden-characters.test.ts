import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { runPeopleImport } from "../../src/modules/people/people-import.job.js";
import { addUser, createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addNoticeTemplate } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

const RLO = "\u202E";
const NUL = "\u0000";
// Persian "we don't know" and Hindi क्‍ष: the non-joiner and the joiner are part of the spelling.
const PERSIAN = "\u0646\u0645\u06cc\u200c\u062f\u0627\u0646\u06cc\u0645";
const HINDI = "\u0915\u094d\u200d\u0937";
const system = { userId: null, label: "test", ip: null };

/** A form's field error as the page shows it (EJS escapes the quote marks a message may hold). */
const shown = (html: string) => html.replace(/&#34;/g, '"').replace(/&#39;/g, "'");

/**
 * Invisible characters typed into names, subjects and texts (a right-to-left override that
 * disguises "Invoice\u202Efdp.exe" as "Invoiceexe.pdf", a NUL that PostgreSQL cannot store) are
 * refused with a message naming the field, on the site and through the API, and nothing is
 * saved; the joiners Persian and Hindi need are kept.
 */
describe(`hidden characters in typed text (${testLane})`, () => {
  let t: TestApp;
  let manager: Awaited<ReturnType<typeof signedIn>>;
  let api: ReturnType<typeof supertest>;
  let token: string;
  let incident: Incident;

  const post = async (path: string, form: Record<string, string>) => {
    const csrf = csrfFrom((await manager.agent.get("/incidents")).text);
    return manager.agent
      .post(path)
      .type("form")
      .send({ _csrf: csrf, ...form });
  };

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    api = supertest(t.app);
    const user = await addUser(t, "manager");
    token = (await createApiToken(t.deps, user.id, { name: "script" }, system)).token;
    incident = await addIncident(t);
  });
  after(() => t.close());

  it("an incident title with a right-to-left override or a NUL is refused, naming the title; none is saved", async () => {
    const before = await t.db.prisma.incident.count();
    const form = await post("/incidents", { title: `Invoice${RLO}fdp.exe`, severity: "high", timeZone: "UTC" });
    assert.equal(form.status, 400);
    assert.match(
      shown(form.text),
      /The title contains a right-to-left override \(U\+202E\) at position 8, an invisible character: it reorders the text around it; remove it\./,
    );
    const viaApi = await api
      .post("/api/v1/incidents")
      .set("Authorization", `Bearer ${token}`)
      .send({ title: `Leak${NUL}`, summary: `Fine, ${PERSIAN}`, severity: "high", timeZone: "UTC" });
    assert.equal(viaApi.status, 400, viaApi.text);
    assert.equal(viaApi.body.error.fields.title, "The title contains a control character (U+0000) at position 5; remove it.");
    assert.equal(await t.db.prisma.incident.count(), before);
  });

  it("a timeline description with either is refused on the page and through the API; none is saved", async () => {
    const before = await t.db.prisma.timelineEvent.count({ where: { incidentId: incident.id } });
    const event = { kind: "detection", occurredAt: "2016-03-22 09:15", occurredAtZone: "UTC", visibility: "internal" };
    const form = await post(`/incidents/${incident.reference}/events`, { ...event, description: `IDS alert ${RLO}lmth.exe` });
    assert.equal(form.status, 400);
    assert.match(shown(form.text), /The description contains a right-to-left override \(U\+202E\) at position 11/);
    const viaApi = await api
      .post(`/api/v1/incidents/${incident.reference}/events`)
      .set("Authorization", `Bearer ${token}`)
      .send({ ...event, description: `IDS${NUL}alert` });
    assert.equal(viaApi.status, 400, viaApi.text);
    assert.match(viaApi.body.error.fields.description, /^The description contains a control character \(U\+0000\) at position 4/);
    assert.equal(await t.db.prisma.timelineEvent.count({ where: { incidentId: incident.id } }), before);
  });

  it("a notice's subject and sections are checked, each error on its field; no version is saved", async () => {
    const { templateId } = await addNoticeTemplate(t.db, incident.id);
    const before = await t.db.prisma.noticeTemplateVersion.count({ where: { templateId } });
    const res = await post(`/incidents/${incident.reference}/notices/${templateId}/versions`, {
      language: "en",
      subject: `Your account${RLO}`,
      section_whatHappened: `Someone copied${NUL} the database.`,
      section_whatYouShouldDo: `Change your pass\u200Bword.`,
    });
    assert.equal(res.status, 400);
    const html = shown(res.text);
    assert.match(html, /The subject contains a right-to-left override \(U\+202E\) at position 13/);
    assert.match(html, /contains a control character \(U\+0000\) at position 15; remove it\./);
    assert.match(html, /contains a zero-width space \(U\+200B\) at position 17/);
    assert.equal(await t.db.prisma.noticeTemplateVersion.count({ where: { templateId } }), before);
  });

  it("keeps the zero-width joiners Persian and Hindi need in a summary and in a notice", async () => {
    const created = await post("/incidents", {
      title: `${PERSIAN} ${HINDI}`,
      summary: `${PERSIAN}\r\n${HINDI}`,
      severity: "low",
      timeZone: "UTC",
    });
    assert.equal(created.status, 303, shown(created.text).slice(0, 2000));
    const saved = await t.db.prisma.incident.findFirstOrThrow({ where: { title: `${PERSIAN} ${HINDI}` } });
    assert.equal(saved.summary, `${PERSIAN}\r\n${HINDI}`);
  });

  it("a people CSV sent through the API: rows with a control or an override in a name are rejected with the column named", async () => {
    const csv = [
      "Email,Given name,Family name",
      "ok@example.org,Ada,Lovelace",
      "esc@example.org,Eve\u001b[8m,Hidden",
      `rlo@example.org,Mallory,Smith${RLO}nosaJ`,
      `fa@example.org,\u062d\u0633\u06cc\u0646,\u062d\u0633\u06cc\u0646\u200c\u0632\u0627\u062f\u0647`,
    ].join("\r\n");
    const upload = await api
      .post(`/api/v1/incidents/${incident.reference}/people/imports`)
      .set("Authorization", `Bearer ${token}`)
      .set("Content-Type", "text/csv")
      .send(Buffer.from(csv));
    assert.equal(upload.status, 202, upload.text);
    await runPeopleImport({ db: t.db, clock: t.clock }, upload.body.id);
    const result = await api.get(String(upload.headers.location)).set("Authorization", `Bearer ${token}`);
    assert.deepEqual(result.body.counts, { read: 4, accepted: 2, created: 2, updated: 0, duplicates: 0, rejected: 2 });
    assert.deepEqual(result.body.reasons, { control_character: 1, hidden_character: 1 });
    const report = await api.get(result.body.links.errors).set("Authorization", `Bearer ${token}`).buffer(true);
    const text = Buffer.isBuffer(report.body) ? report.body.toString("utf8") : report.text;
    assert.match(
      text,
      /^3,.*control_character,"?The Given name column contains a control character \(U\+001B\) at position 4; remove it\./m,
    );
    assert.match(
      text,
      /^4,.*hidden_character,"?The Family name column contains a right-to-left override \(U\+202E\) at position 6/m,
    );
    const people = await t.db.prisma.person.findMany({ where: { incidentId: incident.id }, orderBy: { email: "asc" } });
    assert.deepEqual(
      people.map((p) => p.email),
      ["fa@example.org", "ok@example.org"],
    );
    assert.equal(people[0]!.familyName, "\u062d\u0633\u06cc\u0646\u200c\u0632\u0627\u062f\u0647");
  });
});
