import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { createApiToken } from "../../src/modules/api-tokens/api-tokens.service.js";
import { listRegister } from "../../src/modules/register/index.js";
import { createTestApp, signedIn, type TestApp } from "../helpers/app.js";
import { addPeople, runUntilSettled, startTestCampaign, testSender } from "../helpers/campaigns.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;
// biome-ignore lint/suspicious/noExplicitAny: the API's answers are read as untyped JSON.
type Json = Record<string, any>;
const system = { userId: null, label: "test", ip: null };

/**
 * Issue 14, item 5: the breach register lists every incident, notified or not, with its facts,
 * effects, remedial actions, decision and rationale, and the notifications made (a statement
 * submitted with its method and reference, the people told from the ledger); filtered by year
 * and status; as CSV with formula cells neutralised; and through the API.
 */
describe(`breach register (${testLane})`, () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;
  let token: string;
  let notified: string;
  let notNotified: string;
  let lastYear: string;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
    token = (await createApiToken(t.deps, viewer.user.id, { name: "register checks" }, system)).token;

    // A notifiable breach: people told by a campaign, the OAIC's statement submitted.
    const { incident, campaign } = await startTestCampaign(t, 4);
    notified = incident.reference;
    await runUntilSettled(t, testSender(t, t.deps.mailer), campaign.id);
    const page = `/incidents/${notified}/assessment`;
    await manager.post(
      `/incidents/${notified}/systems`,
      {
        name: "zookeepr",
        role: "conference registration",
        status: "compromised",
        compromiseMethod: "remote buffer overflow",
        notes: "",
      },
      page,
    );
    await manager.post(`/incidents/${notified}/actions`, { title: "Enforce key-based logins", status: "in_progress" }, page);
    const decided = await manager.post(
      `/incidents/${notified}/decisions`,
      {
        isNotifiable: "yes",
        regimes: "AU-NDB",
        rationale: "Password hashes and addresses: serious harm is likely.",
        decidedAt: "",
      },
      page,
    );
    assert.equal(decided.status, 303, decided.text.slice(0, 300));
    const api = supertest(t.app);
    const managerToken = (await createApiToken(t.deps, manager.user.id, { name: "statements" }, system)).token;
    const drafted = await api
      .post(`/api/v1/incidents/${notified}/statements`)
      .set("Authorization", `Bearer ${managerToken}`)
      .send({ rule: "AU-NDB-oaic" });
    assert.equal(drafted.status, 201, drafted.text);
    const submitted = await api
      .post(`/api/v1/incidents/${notified}/statements/${drafted.body.id}/submit`)
      .set("Authorization", `Bearer ${managerToken}`)
      .send({
        submittedAt: "2026-03-01 10:30",
        submittedZone: "Australia/Sydney",
        how: "portal",
        reference: "OAIC-NDB-2026-0042",
      });
    assert.equal(submitted.status, 200, submitted.text);

    // A breach closed as not notifiable, with a title a spreadsheet would run as a formula.
    const quiet = await addIncident(t, { title: '=HYPERLINK("https://evil.example","Apache wiki")', timeZone: "UTC" });
    notNotified = quiet.reference;
    const moved = await manager.post(`/incidents/${notNotified}/status`, { to: "assessing" }, `/incidents/${notNotified}`);
    assert.equal(moved.status, 303, moved.text.slice(0, 300));
    await manager.post(
      `/incidents/${notNotified}/decisions`,
      {
        isNotifiable: "no",
        regimes: "EU-GDPR",
        rationale: "+Only hashed passwords of staff; no personal data of the public.",
        decidedAt: "",
      },
      `/incidents/${notNotified}/assessment`,
    );
    const closed = await manager.post(
      `/incidents/${notNotified}/status`,
      { to: "closed_not_notifiable" },
      `/incidents/${notNotified}`,
    );
    assert.equal(closed.status, 303, closed.text.slice(0, 300));

    // An incident opened in 2025: its reference's year is what the year filter reads.
    const now = t.clock.now();
    t.clock.set(new Date("2025-06-01T00:00:00Z"));
    lastYear = (await addIncident(t, { title: "Lost laptop" })).reference;
    t.clock.set(now);
  });
  after(() => t.close());

  /** The article of one incident on the register page. */
  const entryOf = (html: string, reference: string) => {
    const start = html.indexOf(`<article class="register-entry" id="${reference}"`);
    assert.ok(start >= 0, `${reference} is on the register`);
    return html.slice(start, html.indexOf("</article>", start));
  };

  it("lists the notifiable incident with its facts, effects, actions, decision, the statement submitted and the people told", async () => {
    const res = await viewer.agent.get("/register");
    assert.equal(res.status, 200);
    assert.match(res.text, /<a href="\/register" aria-current="page">Register<\/a>/);
    const entry = entryOf(res.text, notified);
    assert.match(entry, /Conference registration server compromised/);
    assert.match(entry, /<dt>Discovered<\/dt><dd>2016-03-22 09:00 GMT\+11<\/dd>/);
    assert.match(entry, /E-mail address/);
    assert.match(entry, /zookeepr \(compromised\): remote buffer overflow/);
    assert.match(entry, /Enforce key-based logins <span class="muted">\(in progress\)/);
    assert.match(entry, /register-decision--notifiable">Notifiable/);
    assert.match(entry, /Password hashes and addresses: serious harm is likely\./);
    assert.match(
      entry,
      /Australian Information Commissioner \(OAIC\) <code>AU-NDB-oaic<\/code>: <a [^>]+>statement version 1<\/a> submitted 2026-03-01 10:30 GMT\+11 by the regulator&#39;s portal, reference <strong>OAIC-NDB-2026-0042<\/strong>/,
    );
    assert.match(entry, /4 of 4 told \(100%\): 4 by e-mail, 0 another way\./);
    assert.match(entry, /4 <span class="muted">\(imported\)/);
  });

  it("lists the incident closed as not notifiable, with its rationale and no notification", async () => {
    const res = await viewer.agent.get("/register");
    const entry = entryOf(res.text, notNotified);
    assert.match(entry, /<span class="badge">Closed: not notifiable<\/span>/);
    assert.match(entry, /register-decision--not">Not notifiable/);
    assert.match(entry, /\+Only hashed passwords of staff; no personal data of the public\./);
    assert.match(entry, /None notified\./);
    assert.match(entry, /No affected people imported\./);
  });

  it("filters by status and year, and names a bad filter value", async () => {
    const closed = await viewer.agent.get("/register?status=closed_not_notifiable");
    assert.equal(closed.status, 200);
    assert.ok(closed.text.includes(`id="${notNotified}"`));
    assert.ok(!closed.text.includes(`id="${notified}"`));
    assert.match(closed.text, /<strong>1<\/strong> incident, closed: not notifiable, as of 2026-03-\d\d \d\d:\d\d [A-Z]/);
    const ofYear = await viewer.agent.get("/register?year=2026&status=");
    assert.ok(ofYear.text.includes(`id="${notNotified}"`) && ofYear.text.includes(`id="${notified}"`));
    assert.ok(!ofYear.text.includes(`id="${lastYear}"`));
    assert.match(ofYear.text, /<option value="2026" selected>2026<\/option><option value="2025">2025<\/option>/);
    const otherYear = await viewer.agent.get("/register?year=2025");
    assert.ok(otherYear.text.includes(`id="${lastYear}"`) && !otherYear.text.includes(`id="${notified}"`));
    assert.match(otherYear.text, /<strong>1<\/strong> incident of 2025, as of /);
    const none = await viewer.agent.get("/register?year=2024");
    assert.match(none.text, /No incident matches\./);
    const bad = await viewer.agent.get("/register?year=last&status=finished");
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Give the year as four digits, e\.g\. 2026/);
    assert.match(bad.text, /Use one status: detected, investigating/);
  });

  it("exports the register as CSV with formula cells neutralised", async () => {
    const res = await viewer.agent.get("/register.csv?status=closed_not_notifiable");
    assert.equal(res.status, 200);
    assert.match(String(res.headers["content-type"]), /^text\/csv/);
    assert.match(String(res.headers["content-disposition"]), /breach-register-closed_not_notifiable\.csv/);
    const lines = res.text.replace(/^\uFEFF/, "").split("\r\n");
    assert.match(lines[0]!, /^reference,title,status,/);
    assert.equal(lines.length, 3, "a header, one incident, and the final line end");
    assert.ok(
      lines[1]!.startsWith(`${notNotified},"'=HYPERLINK(""https://evil.example"",""Apache wiki"")",closed_not_notifiable,`),
      lines[1],
    );
    assert.match(lines[1]!, /,not notifiable,EU-GDPR,'\+Only hashed passwords/);
    const all = await viewer.agent.get("/register.csv");
    assert.match(
      all.text,
      /Australian Information Commissioner \(OAIC\) \(AU-NDB-oaic\), statement version 1, 2026-02-28T23:30:00\.000Z, portal, reference OAIC-NDB-2026-0042/,
    );
    assert.equal((await viewer.agent.get("/register.csv?year=1")).status, 400);
  });

  it("lists the Apache compromise of 2009 (the seed), decided not notifiable with its rationale, on the page, in the CSV and the API", async () => {
    // The Apache Software Foundation's 2009 breach (seeds/000): hosts compromised, no sensitive
    // data taken, nobody notified; the community told through a published report.
    const rationale =
      "No sensitive data was compromised: the attackers reached dv35.apachecon.com and people.apache.org (minotaur) but no personal data of the public; the foundation published the forensic report instead.";
    const apache = await addIncident(t, {
      title: "Apache infrastructure compromise: apachecon.com and people.apache.org",
      summary: "Attackers gained root on the ApacheCon host and reached minotaur with the backup account's SSH key.",
      timeZone: "UTC",
      detectedAt: "2009-08-28 08:00",
      awareAt: "2009-08-28 08:00",
    });
    const ref = apache.reference;
    const page = `/incidents/${ref}/scope`;
    for (const [name, method] of [
      ["dv35.apachecon.com", "local root exploits patched in RHSA-2009-1222, logs destroyed"],
      ["minotaur.apache.org", "the SSH key of the backup account"],
    ]) {
      const res = await manager.post(
        `/incidents/${ref}/systems`,
        { name: name!, role: "", status: "compromised", compromiseMethod: method!, notes: "" },
        page,
      );
      assert.equal(res.status, 303, res.text.slice(0, 300));
    }
    await manager.post(
      `/incidents/${ref}/actions`,
      { title: "Rebuild people.apache.org from a clean install", status: "done" },
      page,
    );
    await manager.post(`/incidents/${ref}/status`, { to: "assessing" }, `/incidents/${ref}`);
    const decided = await manager.post(
      `/incidents/${ref}/decisions`,
      { isNotifiable: "no", regimes: "", rationale, decidedAt: "" },
      `/incidents/${ref}/assessment`,
    );
    assert.equal(decided.status, 303, decided.text.slice(0, 300));
    const closed = await manager.post(`/incidents/${ref}/status`, { to: "closed_not_notifiable" }, `/incidents/${ref}`);
    assert.equal(closed.status, 303, closed.text.slice(0, 300));

    const res = await viewer.agent.get("/register?year=2026&status=closed_not_notifiable");
    const entry = entryOf(res.text, ref);
    assert.match(entry, /register-decision--not">Not notifiable/);
    assert.match(entry, /No sensitive data was compromised: the attackers reached dv35\.apachecon\.com/);
    assert.match(entry, /dv35\.apachecon\.com \(compromised\): local root exploits patched in RHSA-2009-1222/);
    assert.match(entry, /minotaur\.apache\.org \(compromised\): the SSH key of the backup account/);
    assert.match(entry, /Rebuild people\.apache\.org from a clean install <span class="muted">\(done\)/);
    assert.match(entry, /<dt>Discovered<\/dt><dd>2009-08-28 08:00 UTC<\/dd>/);
    assert.match(entry, /None notified\./);
    const csv = await viewer.agent.get("/register.csv?status=closed_not_notifiable");
    const line = csv.text.split("\r\n").find((l) => l.startsWith(`${ref},`));
    assert.ok(line, "the Apache incident has its CSV line");
    assert.ok(line.includes(`,not notifiable,,${rationale},`), line);
    const api = await supertest(t.app)
      .get("/api/v1/register?status=closed_not_notifiable")
      .set("Authorization", `Bearer ${token}`);
    const listed = api.body.incidents.find((i: Json) => i.reference === ref);
    assert.equal(listed.decision.outcome, "not_notifiable");
    assert.equal(listed.decision.rationale, rationale);
    assert.deepEqual(listed.notifications.regulators, []);
    assert.deepEqual(
      listed.systems.map((x: Json) => x.name),
      ["dv35.apachecon.com", "minotaur.apache.org"],
    );
  });

  it("reads the register with as many queries for 25 incidents as for a few: one per kind of record, not one per incident", async () => {
    let queries = 0;
    const counted = t.db.prisma.$extends({
      query: {
        async $allOperations({ args, query }) {
          queries += 1;
          return query(args);
        },
      },
    });
    const deps = { ...t.deps, db: { ...t.db, prisma: counted as unknown as typeof t.db.prisma } };
    const reader = { userId: viewer.user.id, role: "viewer" };
    const countFor = async () => {
      queries = 0;
      const entries = await listRegister(deps, reader, {});
      return { queries, incidents: entries.length };
    };
    const few = await countFor();
    for (let i = 0; i < 20; i++) {
      const extra = await addIncident(t, { title: `Extra ${i}` });
      await addPeople(t.db, extra.id, 3);
    }
    const many = await countFor();
    assert.equal(many.incidents, few.incidents + 20);
    assert.ok(few.queries > 0);
    assert.equal(
      many.queries,
      few.queries,
      `${few.queries} queries for ${few.incidents} incidents, ${many.queries} for ${many.incidents}`,
    );
  });

  it("answers GET /api/v1/register with reference, status, decision and notifications, filtered", async () => {
    const api = supertest(t.app);
    const res = await api.get("/api/v1/register").set("Authorization", `Bearer ${token}`);
    assert.equal(res.status, 200, res.text);
    const byRef = new Map<string, Json>(res.body.incidents.map((i: Json) => [i.reference, i]));
    const loud = byRef.get(notified)!;
    assert.equal(loud.status, "detected");
    assert.equal(loud.decision.outcome, "notifiable");
    assert.deepEqual(loud.decision.regimes, ["AU-NDB"]);
    assert.deepEqual(
      loud.notifications.regulators.map((r: Json) => [r.rule, r.how, r.reference, r.statementVersion, r.at]),
      [["AU-NDB-oaic", "portal", "OAIC-NDB-2026-0042", 1, "2026-02-28T23:30:00.000Z"]],
    );
    assert.deepEqual(
      {
        affected: loud.notifications.people.affected,
        told: loud.notifications.people.told,
        byEmail: loud.notifications.people.byEmail,
      },
      { affected: 4, told: 4, byEmail: 4 },
    );
    assert.equal(loud.detectedAt, "2016-03-21T22:00:00.000Z");
    assert.deepEqual(
      loud.systems.map((s: Json) => s.name),
      ["zookeepr"],
    );
    assert.deepEqual(
      loud.remedialActions.map((a: Json) => [a.title, a.status]),
      [["Enforce key-based logins", "in_progress"]],
    );
    const quiet = byRef.get(notNotified)!;
    assert.equal(quiet.status, "closed_not_notifiable");
    assert.equal(quiet.decision.outcome, "not_notifiable");
    assert.equal(quiet.decision.rationale, "+Only hashed passwords of staff; no personal data of the public.");
    assert.deepEqual(quiet.notifications.regulators, []);
    const filtered = await api
      .get("/api/v1/register?status=closed_not_notifiable&year=2026")
      .set("Authorization", `Bearer ${token}`);
    const kept = filtered.body.incidents.map((i: Json) => i.reference);
    assert.ok(kept.includes(notNotified) && !kept.includes(notified), kept.join(", "));
    const bad = await api.get("/api/v1/register?status=finished").set("Authorization", `Bearer ${token}`);
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /Use one status/);
    assert.equal((await api.get("/api/v1/register")).status, 401);
  });
});
