import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { sendCampaignNow } from "../../src/modules/campaigns/index.js";
import { parseContent, serializeContent } from "../../src/modules/notices/notice-content.policy.js";
import { draftSchema, publishReport, saveReportDraft } from "../../src/modules/public-report/index.js";
import { VERIFY_RATE_LIMIT } from "../../src/modules/verification/index.js";
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

const SITE = "https://breach.example.org";
const CODE_IN_TEXT = /code ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/;

/**
 * Is this notice genuine? (issue 14, item 4; decision 0019). A campaign sends notices that carry
 * their verification code; /verify and POST /api/v1/verify answer for a code with the
 * organisation, the incident's reference and the day, never the person; an unknown code gets the
 * same shape, a malformed one a message naming what is wrong, a client past the limit a 429. With
 * PUBLIC_URL set, the content check asks for the code's placeholder. Every request comes from
 * its own address (X-Forwarded-For behind a trusted loopback proxy), so the limit of one test
 * does not spend another's.
 */
describe("verifying a notice's code", () => {
  let t: TestApp;
  let manager: Client;
  let incident: Incident;
  let templateId: string;
  let sentCode: string;
  let sentText: string;
  let client = 0;
  /** A request from a client address of its own. */
  const from = (request: supertest.Test) => request.set("X-Forwarded-For", `198.51.100.${++client}`);

  before(async () => {
    t = await createTestApp({ PUBLIC_URL: SITE, TRUST_PROXY: "loopback" });
    manager = await signedIn(t, "manager");
    incident = await addIncident(t, { title: "Internal: exfiltration via the staging VPN" });
    const template = await addNoticeTemplate(t.db, incident.id);
    templateId = template.templateId;
    // The version's words carry the code and the page where people check it.
    const version = await t.db.prisma.noticeTemplateVersion.findUniqueOrThrow({ where: { id: template.versionIds.en! } });
    const content = parseContent(version.sections);
    content.sections.learnMore = "To check this notice is genuine, enter the code {{verification.code}} at {{verification.url}}.";
    await t.db.prisma.noticeTemplateVersion.update({ where: { id: version.id }, data: { sections: serializeContent(content) } });
    await addPeople(t.db, incident.id, 3, (i) => ({
      givenName: `Ada${i}`,
      familyName: `Lovelace${i}`,
      email: `ada${i}@example.net`,
    }));
    const { campaign, deps } = await createTestCampaign(t, incident.reference, templateId);
    await sendCampaignNow(deps, incident.reference, campaign.id, testManager);
    await runUntilSettled(t, testSender(t, t.deps.mailer), campaign.id);
    const mail = await t.db.prisma.caughtMail.findFirstOrThrow({ where: { to: "ada0@example.net" } });
    sentText = mail.text ?? "";
    sentCode = CODE_IN_TEXT.exec(sentText)?.[1] ?? "";
  });
  after(() => t.close());

  it("gives each notice its own code, in Crockford base32, and the verification page's address", async () => {
    assert.match(sentCode, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.ok(sentText.includes(`${SITE}/verify`), sentText);
    const rows = await t.db.prisma.delivery.findMany({ where: { incidentId: incident.id }, select: { verificationCode: true } });
    const codes = rows.map((r) => r.verificationCode);
    assert.equal(new Set(codes).size, 3);
    assert.ok(codes.includes(sentCode.replaceAll("-", "")));
  });

  it("answers that a sent notice's code is genuine, with the organisation, incident and day, and nobody's data", async () => {
    // Typed as a person might: lower case, spaces instead of dashes, O for 0 and I or L for 1.
    const typed = sentCode.toLowerCase().replaceAll("-", " ").replaceAll("0", "o").replaceAll("1", "l");
    const res = await from(supertest(t.app).post("/verify").type("form").send({ code: typed }));
    assert.equal(res.status, 200);
    assert.match(res.text, /Yes: we sent a notice with the code/);
    assert.ok(res.text.includes(sentCode));
    assert.match(res.text, /Example Org/);
    assert.ok(res.text.includes(incident.reference));
    // 09:00 UTC on 2 March is 20:00 in Sydney, the same day.
    assert.match(res.text, /2 March 2026/);
    for (const personal of ["Ada0", "Lovelace0", "ada0@example.net", "example.net", "exfiltration"]) {
      assert.ok(!res.text.includes(personal), `the page shows ${personal}`);
    }
    const csp = String(res.headers["content-security-policy"]);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers["cache-control"], "no-store");
    assert.equal(res.headers["set-cookie"], undefined, "a look-up makes no session");
  });

  it("answers an unknown code with the same fields, and a malformed one with what is wrong", async () => {
    const known = await from(supertest(t.app).post("/api/v1/verify").send({ code: sentCode }));
    const unknown = await from(supertest(t.app).post("/api/v1/verify").send({ code: "7KQ2-M9XD-4TRP" }));
    assert.equal(known.status, 200);
    assert.equal(unknown.status, 200);
    assert.deepEqual(Object.keys(unknown.body).sort(), Object.keys(known.body).sort());
    assert.equal(known.body.isGenuine, true);
    assert.equal(known.body.organisation, "Example Org");
    assert.equal(known.body.incidentReference, incident.reference);
    assert.equal(known.body.sentOn, "2026-03-02");
    assert.deepEqual(unknown.body, {
      code: "7KQ2-M9XD-4TRP",
      isGenuine: false,
      organisation: null,
      incidentReference: null,
      sentOn: null,
      publicReportUrl: null,
    });
    assert.ok(!JSON.stringify(known.body).includes("ada0"));

    const page = await from(supertest(t.app).post("/verify").type("form").send({ code: "7KQ2-M9XD-4TRP" }));
    assert.equal(page.status, 200);
    assert.match(page.text, /No notice we sent has the code/);

    const short = await from(supertest(t.app).post("/api/v1/verify").send({ code: "7KQ2-M9XD" }));
    assert.equal(short.status, 400);
    assert.equal(short.body.error.code, "validation");
    assert.match(short.body.error.fields.code, /12 characters/);
    const strange = await from(supertest(t.app).post("/verify").type("form").send({ code: "7KQ2-M9XD-4TR!" }));
    assert.equal(strange.status, 400);
    assert.match(strange.text, /cannot be part of one/);
    assert.match(strange.text, /aria-invalid="true"/);
  });

  it("refuses a client past the limit with a 429 page saying how long to wait, and other clients still get answers", async () => {
    const address = "203.0.113.7";
    for (let i = 0; i < VERIFY_RATE_LIMIT.limit; i++) {
      const res = await supertest(t.app)
        .post("/verify")
        .set("X-Forwarded-For", address)
        .type("form")
        .send({ code: "0000-0000-0000" });
      assert.equal(res.status, 200, `look-up ${i + 1}`);
    }
    const refused = await supertest(t.app).post("/verify").set("X-Forwarded-For", address).type("form").send({ code: sentCode });
    assert.equal(refused.status, 429);
    assert.match(refused.text, /Too many codes were checked from your network address\. Wait \d+ minutes? and try again/);
    assert.ok(Number(refused.headers["retry-after"]) > 0);
    assert.ok(!refused.text.includes("Yes: we sent"));
    const elsewhere = await from(supertest(t.app).post("/verify").type("form").send({ code: sentCode }));
    assert.equal(elsewhere.status, 200);

    for (let i = 0; i < VERIFY_RATE_LIMIT.limit; i++) {
      await supertest(t.app).post("/api/v1/verify").set("X-Forwarded-For", address).send({ code: "0000-0000-0000" });
    }
    const api = await supertest(t.app).post("/api/v1/verify").set("X-Forwarded-For", address).send({ code: sentCode });
    assert.equal(api.status, 429);
    assert.equal(api.body.error.code, "rate_limited");
  });

  it("links the incident's public report once it is published", async () => {
    const before = await from(supertest(t.app).post("/api/v1/verify").send({ code: sentCode }));
    assert.equal(before.body.publicReportUrl, null);
    const draft = draftSchema.parse({ narrative: "We found a breach of the conference's registration server." });
    await saveReportDraft(t.deps, incident.reference, draft, testManager);
    await publishReport(t.deps, incident.reference, testManager);
    const api = await from(supertest(t.app).post("/api/v1/verify").send({ code: sentCode }));
    assert.match(api.body.publicReportUrl, /^\/public\/[A-Za-z0-9_-]{22}$/);
    const page = await from(supertest(t.app).post("/verify").type("form").send({ code: sentCode }));
    assert.ok(page.text.includes(`<a href="${api.body.publicReportUrl}">`));
    const unknown = await from(supertest(t.app).post("/api/v1/verify").send({ code: "7KQ2-M9XD-4TRP" }));
    assert.equal(unknown.body.publicReportUrl, null);
  });

  it("shows the form to anyone, signed in or not", async () => {
    const res = await from(supertest(t.app).get("/verify"));
    assert.equal(res.status, 200);
    assert.match(res.text, /<form method="post" action="\/verify"/);
    assert.match(res.text, /Verification code/);
  });

  it("previews a notice with a code no notice has, and the verification page's address", async () => {
    const res = await manager.agent.get(`/incidents/${incident.reference}/notices/${templateId}/preview`);
    assert.equal(res.status, 200);
    assert.match(res.text, /enter the code XXXX-XXXX-XXXX at https:\/\/breach\.example\.org\/verify\./);
  });

  it("shows the code on the ledger's row and finds the row by it", async () => {
    const res = await manager.agent.get(`/incidents/${incident.reference}/ledger`).query({ q: sentCode.toLowerCase() });
    assert.equal(res.status, 200);
    assert.ok(res.text.includes("ada0@example.net"));
    assert.ok(!res.text.includes("ada1@example.net"));
    assert.ok(res.text.includes(`data-verification-code>${sentCode}<`));
  });

  it("with PUBLIC_URL set, the content check asks for {{verification.code}} until the notice has it", async () => {
    const other = await addIncident(t);
    const template = await addNoticeTemplate(t.db, other.id);
    const check = `/incidents/${other.reference}/notices/${template.templateId}/check`;
    const missing = await manager.agent.get(check);
    assert.equal(missing.status, 200);
    assert.match(missing.text, /The notice&#39;s verification code, \{\{verification.code\}\}/);
    assert.match(missing.text, /\{\{verification.url\}\}/);
    // The template page and the editor run the same check on the latest words.
    const page = await manager.agent.get(`/incidents/${other.reference}/notices/${template.templateId}`);
    assert.match(page.text, /The notice&#39;s verification code/);
    const editor = await manager.agent.get(`/incidents/${other.reference}/notices/${template.templateId}/edit`);
    assert.match(editor.text, /The notice&#39;s verification code/);

    const ready = await manager.agent.get(`/incidents/${incident.reference}/notices/${templateId}/check`);
    assert.equal(ready.status, 200);
    assert.doesNotMatch(ready.text, /The notice&#39;s verification code/);
  });

  it("with PUBLIC_URL set, refuses to start a campaign whose notice has no {{verification.code}}", async () => {
    const other = await addIncident(t);
    const template = await addNoticeTemplate(t.db, other.id);
    await addPeople(t.db, other.id, 1, () => ({ givenName: "Grace", familyName: "Hopper", email: "grace@example.net" }));
    const { campaign, deps } = await createTestCampaign(t, other.reference, template.templateId);
    await assert.rejects(sendCampaignNow(deps, other.reference, campaign.id, testManager), (error: Error) => {
      assert.match(error.message, /not ready to send: 1 item a law requires is missing or not yet ticked \(Breachdesk: /);
      return true;
    });
    assert.equal(await t.db.prisma.delivery.count({ where: { campaignId: campaign.id } }), 0);
  });
});
