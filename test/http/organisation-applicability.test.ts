import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { addUser, createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;
const system = { userId: null, label: "test", ip: null };

/**
 * Who the law reaches (decision 0032): the organisation page's form (administrators, audited,
 * bad input re-shown with a message), the JSON API in the shape `breachdesk applicable --profile`
 * reads, and an incident's rule list read from it: applies / may apply / does not apply.
 */
describe(`who the law reaches (${testLane})`, () => {
  let t: TestApp;
  let admin: Client;
  let manager: Client;
  let http: ReturnType<typeof supertest>;
  const tokens = { admin: "", manager: "" };
  const as = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });

  before(async () => {
    t = await createTestApp({ DNS_SERVERS: "127.0.0.1:9" });
    admin = await signedIn(t, "admin");
    manager = await signedIn(t, "manager");
    http = supertest(t.app);
    for (const role of ["admin", "manager"] as const) {
      const user = await addUser(t, role, `${role}-api@example.org`);
      tokens[role] = (await createApiToken(t.deps, user.id, { name: `${role} script` }, system)).token;
    }
  });
  after(() => t.close());

  async function postForm(client: Client, form: Record<string, string | string[]>) {
    const page = await client.agent.get("/admin/organisation");
    return client.agent
      .post("/admin/organisation/applicability")
      .type("form")
      .send({ _csrf: csrfFrom(page.text), entityTypesAnswered: "1", ...form });
  }

  it("starts with nothing given, and a manager reads it without a form", async () => {
    const res = await http.get("/api/v1/organisation/applicability").set(as("manager"));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, {
      establishedIn: null,
      entityTypes: null,
      annualTurnover: null,
      offersToEU: null,
      offersToUK: null,
    });
    const page = await manager.agent.get("/admin/organisation");
    assert.match(page.text, /<dt>Established in<\/dt><dd>not given<\/dd>/);
    assert.doesNotMatch(page.text, /action="\/admin\/organisation\/applicability"/);
  });

  it("refuses bad input on the form with messages, keeping what was sent", async () => {
    const res = await postForm(admin, {
      establishedIn: "AU-NSW, Sydney!",
      annualTurnover: "about 2 million",
      entityTypes: ["au-opted-in"],
      offersToEU: "perhaps",
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /&#34;SYDNEY!&#34; is not a jurisdiction code/);
    assert.match(res.text, /The annual turnover is an amount in whole currency units/);
    assert.match(res.text, /choose yes, no or not known/);
    assert.match(res.text, /value="AU-NSW, Sydney!"/);
    assert.match(res.text, /value="au-opted-in" checked/);
    assert.equal(await t.db.prisma.organisationApplicability.count(), 0);
  });

  it("saves the form, audited in words, and the API answers the same values", async () => {
    const res = await postForm(admin, {
      establishedIn: "au-nsw",
      annualTurnover: "900,000",
      turnoverCurrency: "aud",
      offersToEU: "no",
      offersToUK: "",
    });
    assert.equal(res.status, 303);
    const body = (await http.get("/api/v1/organisation/applicability").set(as("manager"))).body;
    assert.deepEqual(body, {
      establishedIn: ["AU-NSW"],
      entityTypes: [],
      annualTurnover: { amount: 900000, currency: "AUD" },
      offersToEU: false,
      offersToUK: null,
    });
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "organisation_applicability.update" },
      orderBy: { seq: "desc" },
    });
    assert.equal(JSON.parse(entry.after ?? "{}").entityTypes, "none of the kinds listed");
    assert.equal(JSON.parse(entry.after ?? "{}").annualTurnover, "AUD 900,000");
    assert.equal(entry.before, null);
    // A manager may not set it.
    assert.equal((await postForm(manager, { establishedIn: "DE" })).status, 403);
  });

  it("lists an incident's rules as applies / may apply / does not apply, with the reasons, none ticked that does not apply", async () => {
    // Detected 2016-03-22 09:00 in Sydney (the helper's Linux Australia story).
    const incident = await addIncident(t, { title: "Conference registrations exposed" });
    const page = await manager.agent.get(`/incidents/${incident.reference}/deadlines`);
    assert.equal(page.status, 200);
    const html = page.text;
    assert.match(html, /data-applies-group="yes"|data-applies-group="maybe"/);
    assert.match(html, /<details class="suggestions-closed" data-applies-group="no">/);
    assert.match(html, /<li>not in force on 2016-03-22 \(in force from 2018-02-22\)<\/li>/);
    assert.match(html, /a small business under s 6D unless an exception applies/);
    const ndb = /<li class="suggestion suggestion--(\w+)[^"]*" data-rule="AU-NDB-oaic">[\s\S]*?<\/li>\s*<\/ul>\s*<\/li>/.exec(
      html,
    );
    assert.equal(ndb?.[1], "no");
    assert.doesNotMatch(ndb?.[0] ?? "", /checked/);
    // Every "no" and "maybe" rule is unticked.
    for (const m of html.matchAll(
      /<li class="suggestion suggestion--(no|maybe)[^"]*" data-rule="[^"]+">\s*<label[^>]*>(<input[^>]*>)/g,
    )) {
      assert.doesNotMatch(m[2] ?? "", /checked/);
    }
  });

  it("the API refuses a bad profile with 400 naming the field, and a manager with 403", async () => {
    const bad = await http
      .post("/api/v1/organisation/applicability")
      .set(as("admin"))
      .send({ establishedIn: ["Sydney"], entityTypes: ["bakery"] });
    assert.equal(bad.status, 400, bad.text);
    assert.match(JSON.stringify(bad.body), /is not a jurisdiction code/);
    const refused = await http.post("/api/v1/organisation/applicability").set(as("manager")).send({});
    assert.equal(refused.status, 403);
    const ok = await http
      .post("/api/v1/organisation/applicability")
      .set(as("admin"))
      .send({ establishedIn: ["AU-NSW"], entityTypes: ["au-opted-in"], offersToEU: false });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.entityTypes, ["au-opted-in"]);
    assert.equal(ok.body.annualTurnover, null);
  });
});
