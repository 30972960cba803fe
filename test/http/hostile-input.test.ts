import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { agentFor, createTestApp, csrfFrom, signedIn, TEST_PASSWORD, type TestApp } from "../helpers/app.js";

const HOSTILE = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;

/** A page is safe when the hostile markup appears nowhere as markup, only as escaped text. */
function assertInert(html: string, where: string) {
  assert.doesNotMatch(html, /<script>alert\(1\)<\/script>/, `${where}: raw script tag`);
  assert.doesNotMatch(html, /<img src=x onerror/, `${where}: raw img tag`);
}

describe("a script tag typed into every text field renders inert", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it("setup form: every field echoed back escaped", async () => {
    const res = await agentFor(t).post("/setup", { name: HOSTILE, email: HOSTILE, password: HOSTILE, confirm: "x" }, "/setup");
    assert.equal(res.status, 400);
    assertInert(res.text, "setup");
    assert.match(res.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it("the first admin's hostile name, on every page that shows it", async () => {
    const admin = agentFor(t);
    await admin.post(
      "/setup",
      { name: HOSTILE, email: "root@example.org", password: TEST_PASSWORD, confirm: TEST_PASSWORD },
      "/setup",
    );
    for (const path of ["/", "/admin/users", "/admin/audit"]) {
      const res = await admin.agent.get(path);
      assert.equal(res.status, 200, path);
      assertInert(res.text, path);
    }
  });

  it("sign-in and password-reset forms echo hostile addresses escaped", async () => {
    const login = await agentFor(t).post("/login", { email: HOSTILE, password: HOSTILE, next: HOSTILE });
    assertInert(login.text, "login");
    const forgot = await agentFor(t).post("/password/forgot", { email: HOSTILE });
    assertInert(forgot.text, "forgot");
    assert.equal(
      (await supertest(t.app).get(`/login?next=${encodeURIComponent(HOSTILE)}`)).text.includes("<script>alert"),
      false,
    );
  });

  it("a user created with a hostile name: lists, user page, audit log, invitation mail", async () => {
    const admin = await signedIn(t, "admin");
    const form = await admin.agent.get("/admin/users/new");
    const created = await admin.agent
      .post("/admin/users")
      .type("form")
      .send({ _csrf: csrfFrom(form.text), name: HOSTILE, email: "victim@example.org", role: "viewer", method: "invite" });
    assert.equal(created.status, 303);
    const invalid = await admin.agent
      .post("/admin/users")
      .type("form")
      .send({ _csrf: csrfFrom(form.text), name: HOSTILE, email: HOSTILE, role: HOSTILE, method: "password", password: "x" });
    assertInert(invalid.text, "invalid new-user form");
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { email: "victim@example.org" } });
    const mail = await t.db.prisma.caughtMail.findFirstOrThrow({ where: { to: "victim@example.org" } });
    for (const path of [
      created.headers.location,
      "/admin/users",
      "/admin/audit",
      `/admin/users/${user.id}`,
      "/mail",
      `/mail/${mail.id}`,
      `/mail/${mail.id}/html`,
    ]) {
      const res = await admin.agent.get(String(path));
      assert.equal(res.status, 200, String(path));
      assertInert(res.text, String(path));
    }
    const search = await admin.agent.get(`/mail?q=${encodeURIComponent(HOSTILE)}`);
    assertInert(search.text, "mail search");
    const audit = await admin.agent.get(
      `/admin/audit?actor=${encodeURIComponent(HOSTILE)}&action=${encodeURIComponent(HOSTILE)}`,
    );
    assertInert(audit.text, "audit filter");
  });

  it("the message's own HTML is served with a policy that runs no script", async () => {
    const admin = await signedIn(t, "manager");
    const sent = await t.deps.mailer.send({
      to: "x@example.org",
      subject: "s",
      text: "t",
      html: `<p>hi</p><script>alert(3)</script>`,
    });
    const mail = await t.db.prisma.caughtMail.findFirstOrThrow({ where: { messageId: sent.messageId } });
    const res = await admin.agent.get(`/mail/${mail.id}/html`);
    assert.match(String(res.headers["content-security-policy"]), /default-src 'none'.*sandbox/);
    assert.doesNotMatch(String(res.headers["content-security-policy"]), /script-src/);
  });
});

describe("a script tag typed into the incident workspace renders inert", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it("incident, system, data, action, assessment and decision texts", async () => {
    const manager = await signedIn(t, "manager");
    const post = async (path: string, form: Record<string, string>) => {
      const token = csrfFrom((await manager.agent.get("/incidents")).text);
      return manager.agent
        .post(path)
        .type("form")
        .send({ _csrf: token, ...form });
    };
    const created = await post("/incidents", {
      title: HOSTILE,
      summary: HOSTILE,
      severity: "high",
      timeZone: "UTC",
      team: HOSTILE,
      detectedAt: HOSTILE,
    });
    assertInert(created.text, "incident form with a hostile date");
    const ok = await post("/incidents", { title: HOSTILE, summary: HOSTILE, severity: "high", timeZone: "UTC", team: HOSTILE });
    assert.equal(ok.status, 303);
    const ref = String(ok.headers.location).split("/").pop() ?? "";
    await post(`/incidents/${ref}/systems`, {
      name: HOSTILE,
      role: HOSTILE,
      compromiseMethod: HOSTILE,
      status: "compromised",
      notes: HOSTILE,
    });
    await post(`/incidents/${ref}/data`, { categoryId: "email_address", details: HOSTILE, encrypted: "no" });
    await post(`/incidents/${ref}/actions`, { title: HOSTILE, status: "open", notes: HOSTILE, dueOn: "2026-01-01" });
    await post(`/incidents/${ref}/assessments`, {
      dataSensitivity: "high",
      dataProtected: "no",
      harmPrevented: "no",
      seriousHarmLikely: "likely",
      whoMayHold: HOSTILE,
      remedialSummary: HOSTILE,
      rationale: HOSTILE,
    });
    await post(`/incidents/${ref}/decisions`, { isNotifiable: "yes", regimes: HOSTILE, rationale: HOSTILE });
    await post(`/incidents/${ref}/decisions`, { isNotifiable: "yes", regimes: "AU-NDB", rationale: HOSTILE });
    await post(`/incidents/${ref}/status`, { to: "investigating", reason: HOSTILE });
    const workspace = ["", "/timeline", "/scope", "/assessment", "/deadlines", "/notifications", "/regulators", "/evidence"].map(
      (page) => `/incidents/${ref}${page}`,
    );
    for (const path of [
      ...workspace,
      "/incidents",
      `/incidents?q=${encodeURIComponent(HOSTILE)}`,
      "/",
      `/incidents/${ref}/edit`,
    ]) {
      const res = await manager.agent.get(path);
      assert.equal(res.status, 200, path);
      assertInert(res.text, path);
    }
    let shown = 0;
    for (const path of workspace)
      shown += ((await manager.agent.get(path)).text.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/g) ?? []).length;
    assert.ok(shown >= 8, "the texts are shown, escaped");
  });
});
