import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import ejs from "ejs";
import type { Incident, User } from "../../src/generated/sqlite/client.js";
import { projectRoot } from "../../src/lib/paths.js";
import { verifyAuditChain } from "../../src/modules/audit/audit.service.js";
import { deadlinesSection } from "../../src/modules/obligations/deadlines.section.js";
import { listUrgentObligations } from "../../src/modules/obligations/deadlines-view.service.js";
import { viewHelpers } from "../../src/web/view-helpers.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/**
 * The Linux Australia breach of 2016, handled in Sydney: aware of a suspected breach on
 * 2016-03-24 at 10:00 local time. The OAIC's 30-day assessment clock runs from it.
 */
describe("regulator deadlines on an incident", () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;
  let incident: Incident;
  let ref: string;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
    await t.db.prisma.user.update({ where: { id: viewer.user.id }, data: { timeZone: "Europe/London" } });
    viewer.user = await t.db.prisma.user.findUniqueOrThrow({ where: { id: viewer.user.id } });
    incident = await addIncident(t, { title: "Linux Australia conference server breach" });
    ref = incident.reference;
  });
  after(() => t.close());

  async function post(client: Client, path: string, form: Record<string, string | string[]>) {
    const token = csrfFrom((await client.agent.get("/")).text);
    return client.agent
      .post(path)
      .type("form")
      .send({ _csrf: token, ...form });
  }

  async function render(as: User): Promise<string> {
    const fresh = await t.db.prisma.incident.findUniqueOrThrow({ where: { id: incident.id } });
    const data = await deadlinesSection.load(t.deps, fresh, as);
    return ejs.renderFile(join(projectRoot, "views", `${deadlinesSection.view}.ejs`), {
      ...viewHelpers,
      csrfToken: "token",
      ...data,
    });
  }

  async function lastAudit(action: string) {
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action }, orderBy: { seq: "desc" } });
    return { ...entry, before: JSON.parse(entry.before ?? "null"), after: JSON.parse(entry.after ?? "null") };
  }

  it("suggests the Australian rules once the location is AU, each explained, and audits the location", async () => {
    assert.doesNotMatch(await render(manager.user), /<li>established in AU<\/li>/);
    const bad = await post(manager, `/incidents/${ref}/location`, { location: "AU, Sydney!" });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /SYDNEY! is not a jurisdiction code/);
    assert.match(bad.text, /value="AU, Sydney!"/);
    const res = await post(manager, `/incidents/${ref}/location`, { location: "au" });
    assert.equal(res.status, 303);
    const html = await render(manager.user);
    assert.match(html, /<li>established in AU<\/li>/);
    // Detected in March 2016: the NDB scheme (from 2018-02-22) is listed but not ticked (issue 17).
    assert.match(html, /id="suggest-AU-NDB-assess" name="ruleIds" value="AU-NDB-assess"[^>]*>/);
    assert.doesNotMatch(html, /id="suggest-AU-NDB-assess"[^>]*checked/);
    assert.match(html, /<li>not in force on 2016-03-22 \(in force from 2018-02-22\)<\/li>/);
    assert.match(html, /Conditions: Eligible data breach/);
    const audit = await lastAudit("incident.location");
    assert.equal(audit.incidentId, incident.id);
    assert.deepEqual([audit.before.location, audit.after.location], ["", "AU"]);
  });

  it("applies AU-NDB-assess: the OAIC 30-day clock ends at the end of 2016-04-23 in Sydney, with the extension note", async () => {
    const res = await post(manager, `/incidents/${ref}/obligations`, { ruleIds: ["AU-NDB-assess"] });
    assert.equal(res.status, 303);
    const obligation = await t.db.prisma.obligation.findFirstOrThrow({
      where: { incidentId: incident.id, ruleId: "AU-NDB-assess" },
    });
    assert.equal(obligation.zone, "Australia/Sydney");
    assert.equal(obligation.dueAt?.toISOString(), "2016-04-23T13:59:59.999Z");
    const html = await render(manager.user);
    assert.match(html, /2016-04-23 23:59 GMT\+10/);
    assert.match(html, /May move to/);
    assert.match(
      html,
      /<dt>How it is counted<\/dt><dd>&#39;within 30 days after&#39; awareness: Acts Interpretation Act 1901 s 36/,
    );
    assert.match(
      html,
      /Clock started by<\/strong> <a href="\/incidents\/BD-\d{4}-\d{4}#overview">the incident&#39;s &#34;became aware of a suspected breach&#34; instant<\/a>/,
    );
    assert.match(html, /OVERDUE by/);
    assert.match(html, /href="https:\/\/www.oaic.gov.au\//);
    // The law itself first, under its own heading; the OAIC's guidance and the rest are commentary.
    assert.match(
      html,
      /<dt>The law<\/dt>\s*<dd><ul class="plain">\s*<li>Privacy Act 1988 \(Cth\), s 26WH: <a href="https:\/\/www.legislation.gov.au\/C2004A03712\/latest\/text"[\s\S]*?<dt>Commentary<\/dt>[\s\S]*?www.oaic.gov.au/,
    );
    assert.match(html, /<svg viewBox="0 0 720 /);
    assert.match(html, /<ol class="clock-axis__list">/);
    const audit = await lastAudit("obligation.apply");
    assert.equal(audit.incidentId, incident.id);
    assert.equal(audit.after.ruleId, "AU-NDB-assess");
  });

  it("refuses an unknown or repeated rule and an empty choice, keeping what was typed", async () => {
    const empty = await post(manager, `/incidents/${ref}/obligations`, {});
    assert.equal(empty.status, 400);
    assert.match(empty.text, /Choose at least one rule to apply/);
    const unknown = await post(manager, `/incidents/${ref}/obligations`, { extraRuleId: "XX-NOPE-1" });
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /There is no rule &#34;XX-NOPE-1&#34; in the rule pack/);
    assert.match(unknown.text, /value="XX-NOPE-1"/);
    const again = await post(manager, `/incidents/${ref}/obligations`, { browseRuleId: "AU-NDB-assess" });
    assert.match(again.text, /AU-NDB-assess is already applied/);
  });

  it("records a clock event, recomputes the deadline, puts it on the timeline and audits the change", async () => {
    const gap = await post(manager, `/incidents/${ref}/clock-events`, {
      code: "aware_suspected_breach",
      at: "2016-10-02 02:30",
      atZone: "Australia/Sydney",
    });
    assert.equal(gap.status, 400);
    assert.match(gap.text, /does not exist in Australia\/Sydney/);
    assert.match(gap.text, /value="2016-10-02 02:30"/);
    const res = await post(manager, `/incidents/${ref}/clock-events`, {
      code: "aware_suspected_breach",
      at: "2016-03-25 10:00",
      atZone: "Australia/Sydney",
      note: "",
    });
    assert.equal(res.status, 303);
    const obligation = await t.db.prisma.obligation.findFirstOrThrow({
      where: { incidentId: incident.id, ruleId: "AU-NDB-assess" },
    });
    assert.equal(obligation.dueAt?.toISOString(), "2016-04-24T13:59:59.999Z");
    const record = await lastAudit("clock_event.record");
    assert.equal(record.incidentId, incident.id);
    assert.deepEqual(record.after.deadlines[0], {
      ruleId: "AU-NDB-assess",
      dueAtBefore: "2016-04-23T13:59:59.999Z",
      dueAtAfter: "2016-04-24T13:59:59.999Z",
    });
    await post(manager, `/incidents/${ref}/clock-events`, {
      code: "aware_suspected_breach",
      at: "2016-03-24T10:00+11:00",
      atZone: "Australia/Sydney",
    });
    const change = await lastAudit("clock_event.change");
    assert.equal(change.before.at, "2016-03-24T23:00:00.000Z");
    assert.equal(change.after.at, "2016-03-23T23:00:00.000Z");
    const timeline = await t.db.prisma.timelineEvent.findFirstOrThrow({
      where: { incidentId: incident.id, source: "lifecycle", description: { contains: "changed from" } },
    });
    assert.match(
      timeline.description,
      /Clock event .* \(aware_suspected_breach\) changed from 2016-03-25 10:00 GMT\+11 to 2016-03-24 10:00 UTC\+11\./,
    );
  });

  it("shows a GDPR 72-hour obligation overdue once the clock passes it", async () => {
    await post(manager, `/incidents/${ref}/clock-events`, { code: "awareness", at: "2026-03-01 09:00", atZone: "Europe/Berlin" });
    await post(manager, `/incidents/${ref}/obligations`, { extraRuleId: "EU-GDPR-33" });
    let html = await render(manager.user);
    assert.match(html, /1 day 23 hours left/);
    t.clock.advance(4 * 24 * 3_600_000);
    html = await render(manager.user);
    assert.match(html, /<strong class="badge-overdue">OVERDUE by 2 days 1 hour<\/strong>/);
    const urgent = await listUrgentObligations(t.db.prisma, manager.user, t.clock.now(), 5);
    assert.deepEqual(
      urgent.map((u) => u.ruleId),
      ["AU-NDB-assess", "EU-GDPR-33"],
    );
    const page = await viewer.agent.get("/deadlines?overdue=1&regime=EU-GDPR");
    assert.equal(page.status, 200);
    assert.match(page.text, /EU-GDPR-33/);
    assert.doesNotMatch(page.text, /<code>AU-NDB-assess<\/code>/);
  });

  it("records met, not required and late with their required fields, each audited", async () => {
    const gdpr = await t.db.prisma.obligation.findFirstOrThrow({ where: { incidentId: incident.id, ruleId: "EU-GDPR-33" } });
    const path = `/incidents/${ref}/obligations/${gdpr.id}/status`;
    const missing = await post(manager, path, { status: "met", metAt: "", metAtZone: "Europe/Berlin", metHow: "" });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /Enter a date and time/);
    assert.match(missing.text, /Say how it was met/);
    const lateNoReason = await post(manager, path, {
      status: "met",
      metAt: "2026-03-05 10:00",
      metAtZone: "Europe/Berlin",
      metHow: "BfDI online form",
      metReference: "BF-123",
    });
    assert.match(lateNoReason.text, /met after the deadline/);
    assert.match(lateNoReason.text, /value="BF-123"/);
    const met = await post(manager, path, {
      status: "met",
      metAt: "2026-03-05 10:00",
      metAtZone: "Europe/Berlin",
      metHow: "BfDI online form",
      metReference: "BF-123",
      lateReasons: "Forensics took four days.",
    });
    assert.equal(met.status, 303);
    assert.match(await render(manager.user), /Met late/);
    const audit = await lastAudit("obligation.status");
    assert.equal(audit.incidentId, incident.id);
    assert.deepEqual([audit.before.status, audit.after.status, audit.after.metReference], ["pending", "met", "BF-123"]);
    const noWhy = await post(manager, path, { status: "not_required", notRequiredReason: " " });
    assert.match(noWhy.text, /Say why this obligation does not apply/);
    const noReasons = await post(manager, path, { status: "late" });
    assert.match(noReasons.text, /Give the reasons for the delay/);
    assert.equal((await post(manager, path, { status: "late", lateReasons: "Waiting for the processor" })).status, 303);
    assert.equal((await post(manager, path, { status: "pending" })).status, 303);
  });

  it("re-applies from the current pack after confirmation, audited", async () => {
    const assess = await t.db.prisma.obligation.findFirstOrThrow({ where: { incidentId: incident.id, ruleId: "AU-NDB-assess" } });
    const older = { ...JSON.parse(assess.terms), deadline: { ...JSON.parse(assess.terms).deadline, amount: 20 } };
    await t.db.prisma.obligation.update({ where: { id: assess.id }, data: { terms: JSON.stringify(older) } });
    const confirm = await manager.agent.get(`/incidents/${ref}/obligations/${assess.id}/reapply`);
    assert.match(confirm.text, /The current rule differs from the copied one/);
    const res = await post(manager, `/incidents/${ref}/obligations/${assess.id}/reapply`, {});
    assert.equal(res.status, 303);
    const audit = await lastAudit("obligation.reapply");
    assert.equal(audit.incidentId, incident.id);
    assert.notEqual(audit.before.termsVersion, audit.after.termsVersion);
    assert.ok(audit.after.packVersion);
  });

  it("shows a viewer everything but no forms, and refuses the viewer's posts", async () => {
    const html = await render(viewer.user);
    assert.match(html, /AU-NDB-assess/);
    assert.match(html, /your zone, Europe\/London/);
    assert.doesNotMatch(html, /<form/);
    assert.doesNotMatch(html, /Confidence/);
    const gdpr = await t.db.prisma.obligation.findFirstOrThrow({ where: { incidentId: incident.id, ruleId: "EU-GDPR-33" } });
    for (const path of [
      `/incidents/${ref}/location`,
      `/incidents/${ref}/obligations`,
      `/incidents/${ref}/clock-events`,
      `/incidents/${ref}/obligations/${gdpr.id}/status`,
      `/incidents/${ref}/obligations/${gdpr.id}/reapply`,
    ]) {
      assert.equal((await post(viewer, path, { location: "NZ" })).status, 403, path);
    }
    assert.equal((await viewer.agent.get(`/incidents/${ref}/obligations/${gdpr.id}/status`)).status, 403);
    assert.equal((await verifyAuditChain(t.db)).break, null);
  });
  it("suggests a state's rules from the imported people's addresses, with its residents' threshold", async () => {
    const at = new Date("2016-03-30T00:00:00Z");
    const person = (n: number, country: string, region: string) => ({
      id: `p-${region}-${n}`,
      incidentId: incident.id,
      uniqueKey: `p${n}-${region}@example.org`,
      email: `p${n}-${region}@example.org`,
      country,
      region,
      createdAt: at,
      updatedAt: at,
    });
    await t.db.prisma.person.createMany({
      data: [
        ...Array.from({ length: 260 }, (_, n) => person(n, "US", "US-TX")),
        ...Array.from({ length: 3 }, (_, n) => person(n, "US", "US-FL")),
      ],
    });
    const html = await render(manager.user);
    assert.match(html, /<li>260 residents of Texas, at least 250<\/li>/);
    // Texas's Attorney General notice dates from after this 2016 breach: listed, not ticked (issue 17).
    assert.doesNotMatch(html, /id="suggest-US-TX-regulator"[^>]*checked/);
    assert.match(html, /<li>not in force on 2016-03-21 \(in force from 2023-09-01\)<\/li>/);
    // The organisation's profile is not given: a state's notice to its residents may apply, never ticked.
    assert.doesNotMatch(html, /id="suggest-US-TX-individuals"[^>]*checked/);
    assert.match(html, /<li>3 residents of Florida, not at least 500<\/li>/);
    assert.doesNotMatch(html, /id="suggest-US-FL-regulator"[^>]*checked/);
    await t.db.prisma.person.deleteMany({ where: { incidentId: incident.id } });
    // Without the people, the rule says what it needs instead of counting them.
    const without = await render(manager.user);
    assert.doesNotMatch(without, /<li>\d+ residents of Texas/);
    assert.match(without, /where the affected people live is not given \(the rule needs residents of Texas, at least 250\)/);
  });
});
