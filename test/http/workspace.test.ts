import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

// The incident workspace over HTTP: each page is a URL of its own with its sections and one
// current tab; a form's redirect lands on the page the form is on; the overview's next step
// follows what is recorded; the evidence page, the audit log and the dashboard say who did
// what in words, with the codes in each entry's details; times in the reader's zone.

const PAGES: [slug: string, sectionIds: string[]][] = [
  ["", ["overview", "status", "due"]],
  ["timeline", ["timeline", "actions"]],
  ["scope", ["systems", "data", "people"]],
  ["assessment", ["assessment"]],
  ["deadlines", ["deadlines"]],
  ["notifications", ["notices", "campaigns"]],
  ["regulators", ["regulator-obligations", "regulator-records"]],
  ["evidence", ["evidence", "audit"]],
];

type Client = Awaited<ReturnType<typeof signedIn>>;

describe("the incident workspace", () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;
  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
    await t.db.prisma.user.update({
      where: { id: manager.user.id },
      data: { timeZone: "Australia/Sydney", name: "Ana Manager" },
    });
  });
  after(() => t.close());

  /** Posts a form with the CSRF token of the page it is on, as a browser does. */
  async function post(client: Client, pagePath: string, path: string, form: Record<string, string | string[]>) {
    const token = csrfFrom((await client.agent.get(pagePath)).text);
    return client.agent
      .post(path)
      .type("form")
      .send({ _csrf: token, ...form });
  }

  it("serves each page at its own address, with its sections and its tab marked current, to a viewer without forms", async () => {
    const { reference } = await addIncident(t, { title: "Pages of their own" });
    for (const [slug, sectionIds] of PAGES) {
      const path = `/incidents/${reference}${slug ? `/${slug}` : ""}`;
      for (const client of [manager, viewer]) {
        const res = await client.agent.get(path);
        assert.equal(res.status, 200, path);
        for (const id of sectionIds) assert.match(res.text, new RegExp(`<section id="${id}"`), `${path} shows ${id}`);
        const tabs = res.text.slice(
          res.text.indexOf('aria-label="Pages of this incident"'),
          res.text.indexOf("</nav>", res.text.indexOf("workspace-nav")),
        );
        const current = [...tabs.matchAll(/<a href="([^"]+)" aria-current="page">/g)].map((m) => m[1]);
        assert.deepEqual(current, [path], `${path}: the one current tab`);
      }
      const asViewer = (await viewer.agent.get(path)).text;
      const forms = [...asViewer.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1]);
      // Building the evidence pack is a read a viewer may do (a POST because it is audited and asks
      // whether to include personal data), so the evidence page offers it to every reader.
      const reads = slug === "evidence" ? [`/incidents/${reference}/evidence-pack`] : [];
      assert.deepEqual(forms, ["/logout", ...reads], `${path}: a viewer gets no form but signing out (and the reads)`);
      assert.equal((await viewer.agent.get(`/incidents/BD-1999-0001${slug ? `/${slug}` : ""}`)).status, 404);
    }
    const overview = await manager.agent.get(`/incidents/${reference}`);
    assert.match(
      overview.text,
      /<title>Pages of their own · Breachdesk<\/title>|<title>BD-\d{4}-\d{4}: Pages of their own · Breachdesk<\/title>/,
    );
    const scope = await manager.agent.get(`/incidents/${reference}/scope`);
    assert.match(scope.text, /<title>Scope · BD-\d{4}-\d{4}: Pages of their own · Breachdesk<\/title>/);
  });

  it("sends each form back to the page it is on, with the section's anchor", async () => {
    const { reference } = await addIncident(t, { title: "Forms come back" });
    const base = `/incidents/${reference}`;
    const cases: [page: string, path: string, form: Record<string, string | string[]>, location: string][] = [
      ["scope", `${base}/systems`, { name: "web01", status: "compromised" }, `${base}/scope#systems`],
      ["scope", `${base}/data`, { categoryId: "email_address", details: "addresses", encrypted: "no" }, `${base}/scope#data`],
      [
        "timeline",
        `${base}/events`,
        { kind: "note", description: "Seen", occurredAt: "2026-03-01 10:00", occurredAtZone: "UTC", visibility: "internal" },
        `${base}/timeline#timeline`,
      ],
      ["timeline", `${base}/actions`, { title: "Rotate keys", status: "open" }, `${base}/timeline#actions`],
      ["deadlines", `${base}/obligations`, { ruleIds: "EU-GDPR-33" }, `${base}/deadlines#deadlines`],
      ["deadlines", `${base}/location`, { location: "IE" }, `${base}/deadlines#deadlines`],
      [
        "assessment",
        `${base}/decisions`,
        { isNotifiable: "yes", regimes: "EU-GDPR", rationale: "Addresses exposed." },
        `${base}/assessment#assessment`,
      ],
      ["", `${base}/status`, { to: "investigating" }, base],
    ];
    for (const [page, path, form, location] of cases) {
      const res = await post(manager, `${base}${page ? `/${page}` : ""}`, path, form);
      assert.equal(res.status, 303, `${path}: ${res.text.slice(0, 300)}`);
      assert.equal(res.headers.location, location, path);
    }
    // Addresses that name no section, or another page, are left as they are.
    const created = await post(manager, "/incidents/new", "/incidents", {
      title: "Another",
      severity: "low",
      timeZone: "UTC",
    });
    assert.match(String(created.headers.location), /^\/incidents\/BD-\d{4}-\d{4}$/);
  });

  it("says on the overview what to do next, following what is recorded", async () => {
    const { reference } = await addIncident(t, { title: "Next steps", timeZone: "Australia/Sydney" });
    const base = `/incidents/${reference}`;
    const next = async () => {
      const html = (await manager.agent.get(base)).text;
      const section = html.slice(html.indexOf('aria-labelledby="next-title"'), html.indexOf('aria-labelledby="progress-title"'));
      return {
        action: /class="next-steps__action"><a class="button" href="([^"]+)">([^<]+)<\/a>/.exec(section)?.slice(1, 3),
        current: /class="stage stage--current" aria-current="step">.*?<\/span> ([A-Za-z]+)/.exec(html)?.[1],
        section,
      };
    };
    let now = await next();
    assert.deepEqual(now.action, [`${base}/assessment#assessment`, "Record the assessment"], "nothing is recorded: assess");
    assert.equal(now.current, "Assessing");

    await post(manager, `${base}/deadlines`, `${base}/obligations`, { ruleIds: ["AU-NDB-assess", "AU-NDB-individuals"] });
    now = await next();
    assert.match(now.section, /Due soonest<\/h3>\s*<p><a href="[^"]+\/deadlines#obligation-[^"]+">AU-NDB-assess<\/a>/);
    assert.match(now.section, /No risk assessment is recorded\./);

    await post(manager, `${base}/assessment`, `${base}/assessments`, {
      dataSensitivity: "medium",
      dataProtected: "partly",
      harmPrevented: "partly",
      seriousHarmLikely: "likely",
      rationale: "Contact details and password hashes.",
    });
    await post(manager, `${base}/assessment`, `${base}/decisions`, {
      isNotifiable: "yes",
      regimes: "AU-NDB",
      rationale: "Serious harm is likely.",
    });
    const obligations = await t.db.prisma.obligation.findMany({ where: { incident: { reference } } });
    const assess = obligations.find((o) => o.ruleId === "AU-NDB-assess")!;
    await t.db.prisma.obligation.update({ where: { id: assess.id }, data: { status: "met", metAt: t.clock.now() } });
    now = await next();
    assert.equal(now.current, "Notifying", "assessed and decided: notifying is the stage");
    assert.ok(now.action, "an action is offered");
    assert.doesNotMatch(now.section, /Record the assessment/);

    const asViewer = (await viewer.agent.get(base)).text;
    assert.match(asViewer, /An incident manager does this\./);
  });

  it("lands an old link to a section (#people, #obligation-...) on the overview, where the section's page is named", async () => {
    const { reference } = await addIncident(t, { title: "Old anchors" });
    await post(manager, `/incidents/${reference}/deadlines`, `/incidents/${reference}/obligations`, { ruleIds: "AU-NDB-assess" });
    const html = (await viewer.agent.get(`/incidents/${reference}`)).text;
    for (const [id, href] of [
      ["people", `/incidents/${reference}/scope#people`],
      ["systems", `/incidents/${reference}/scope#systems`],
      ["timeline", `/incidents/${reference}/timeline#timeline`],
      ["audit", `/incidents/${reference}/evidence#audit`],
    ] as const) {
      assert.match(
        html,
        new RegExp(`id="${id}"[^>]*>(<a href="[^"]+">[^<]+</a>: [^<]*)?<a href="${href.replace(/#.*/, "")}`),
        id,
      );
    }
    const obligation = await t.db.prisma.obligation.findFirstOrThrow({ where: { incident: { reference } } });
    assert.match(html, new RegExp(`<li id="obligation-${obligation.id}">`));
  });

  it("lists the incident's changes in words on the evidence page, newest first, 50 a page, codes in the details", async () => {
    const { reference } = await addIncident(t, { title: "Evidence" });
    const base = `/incidents/${reference}`;
    await post(manager, `${base}/deadlines`, `${base}/obligations`, { ruleIds: "EU-GDPR-33" });
    for (let i = 0; i < 52; i++) {
      await post(manager, `${base}/scope`, `${base}/systems`, {
        name: `host-${String(i).padStart(2, "0")}`,
        status: "suspected",
      });
    }
    const first = await viewer.agent.get(`${base}/evidence`);
    assert.match(first.text, /54 changes; page 1 of 2\./);
    assert.match(
      first.text,
      new RegExp(`<strong>Ana Manager</strong> added the system &#34;host-51&#34; to <a class="ref" href="${base}">`),
    );
    assert.match(first.text, /<dd><code>affected_system\.create<\/code><\/dd>/, "the code is in the details");
    assert.match(first.text, /Australia\/Sydney|UTC/);
    const second = await viewer.agent.get(`${base}/evidence?page=2`);
    assert.match(
      second.text,
      new RegExp(`<strong>Ana Manager</strong> applied EU-GDPR-33 to <a class="ref" href="${base}">${reference}</a>\\.`),
    );
    assert.match(second.text, /recorded <a class="ref"[^>]*>BD-\d{4}-\d{4}<\/a>: Evidence\./);
    assert.equal((await viewer.agent.get(`${base}/evidence?page=nonsense`)).status, 200);
  });

  it("says who did what in words on the dashboard and the audit log, in the reader's zone", async () => {
    const { reference } = await addIncident(t, { title: "Words" });
    await post(manager, `/incidents/${reference}/deadlines`, `/incidents/${reference}/obligations`, { ruleIds: "EU-GDPR-34" });
    const dashboard = (await manager.agent.get("/")).text;
    assert.match(
      dashboard,
      new RegExp(`Ana Manager applied EU-GDPR-34 to <a class="ref" href="/incidents/${reference}">${reference}</a>\\.`),
    );
    assert.match(dashboard, /GMT\+11/, "in Sydney, the manager's zone");
    assert.doesNotMatch(dashboard, /<code>obligation\.apply<\/code>/);

    const admin = await signedIn(t, "admin");
    await t.db.prisma.user.update({ where: { id: admin.user.id }, data: { timeZone: "Australia/Sydney" } });
    const log = (await admin.agent.get("/admin/audit")).text;
    assert.match(log, new RegExp(`applied EU-GDPR-34 to <a class="ref" href="/incidents/${reference}">`));
    assert.match(log, /<dd><code>obligation\.apply<\/code><\/dd>/);
    assert.doesNotMatch(log, /\(UTC\)|\d\d:\d\d:\d\d UTC/, "no UTC for a reader in Sydney");
    assert.match(log, /2026-03-02 20:00 GMT\+11/, "the test clock's 09:00 UTC, in Sydney");
    // A day in the filter is the reader's day: 2 March in Sydney began at 13:00 UTC on 1 March.
    assert.match((await admin.agent.get("/admin/audit?from=2026-03-02&to=2026-03-02")).text, /EU-GDPR-34/);
    assert.doesNotMatch((await admin.agent.get("/admin/audit?from=2026-03-03")).text, /EU-GDPR-34/);

    await t.deps.mailer.send({ to: "someone@example.org", subject: "Hello", text: "Hi" });
    const mail = (await admin.agent.get("/mail")).text;
    assert.doesNotMatch(mail, /\(UTC\)|\d UTC</);
    assert.match(mail, /2026-03-02 20:00 GMT\+11/);
  });

  it("names each refused date of the incident form in the error summary", async () => {
    const res = await post(manager, "/incidents/new", "/incidents", {
      title: "Dates",
      severity: "high",
      timeZone: "Australia/Sydney",
      detectedAt: "22/03/2016",
      awareAt: "yesterday",
    });
    assert.equal(res.status, 400);
    const summary = res.text.slice(
      res.text.indexOf('class="error-summary"'),
      res.text.indexOf('<form method="post" action="/incidents"'),
    );
    assert.match(summary, /<a href="#detectedAt">Detected: Use the form 2016-03-22 09:30/);
    assert.match(summary, /<a href="#awareAt">Became aware of a suspected breach: Use the form 2016-03-22 09:30/);
  });
});
