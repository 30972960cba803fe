import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Incident } from "../../src/generated/sqlite/client.js";
import { loadIncidentClocks } from "../../src/modules/obligations/index.js";
import { createTestApp, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

/**
 * Issue 13, item 1: the clocks start from what the incident records. The app's clock stands at
 * 2026-03-02 09:00 UTC; the incident became aware 40 hours before, in Dublin (UTC+0 in winter).
 */
describe("clocks start from the incident's record", () => {
  let t: TestApp;
  let manager: Client;
  let incident: Incident;
  let ref: string;

  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    incident = await addIncident(t, {
      title: "Dublin ticketing breach",
      timeZone: "Europe/Dublin",
      detectedAt: "2026-02-28 15:00",
      awareAt: "2026-02-28 17:00",
    });
    ref = incident.reference;
  });
  after(() => t.close());

  const obligationOf = (ruleId: string) =>
    t.db.prisma.obligation.findFirstOrThrow({ where: { incidentId: incident.id, ruleId } });

  it("EU-GDPR-33 applied with no clock event is due exactly 72 hours after awareAt, started by the incident's instant", async () => {
    const res = await manager.post(`/incidents/${ref}/obligations`, { ruleIds: "EU-GDPR-33" }, `/incidents/${ref}/deadlines`);
    assert.equal(res.status, 303);
    const gdpr = await obligationOf("EU-GDPR-33");
    assert.equal(incident.awareAt?.toISOString(), "2026-02-28T17:00:00.000Z");
    assert.equal(gdpr.dueAt?.toISOString(), new Date(+(incident.awareAt as Date) + 72 * 3_600_000).toISOString());
    assert.equal(gdpr.clockStartedBy, "incident.aware_at");
    assert.equal(await t.db.prisma.clockEvent.count({ where: { incidentId: incident.id } }), 0);
    // A reminder is scheduled: the clock runs.
    assert.ok(gdpr.nextReminderAt);
    const page = await manager.agent.get(`/incidents/${ref}/deadlines`);
    assert.equal(page.status, 200);
    assert.match(
      page.text,
      new RegExp(
        `Clock started by</strong> <a href="/incidents/${ref}#overview">the incident&#39;s &#34;became aware of a suspected breach&#34; instant</a>`,
      ),
    );
    assert.match(page.text, /32 hours left|1 day 8 hours left/);
    assert.doesNotMatch(page.text, /Waiting for its clock to start/);
  });

  it("a notifiable decision starts AU-NDB-oaic, linked to the decision", async () => {
    await manager.post(`/incidents/${ref}/obligations`, { ruleIds: "AU-NDB-oaic" }, `/incidents/${ref}/deadlines`);
    assert.equal((await obligationOf("AU-NDB-oaic")).clockStartedBy, "");
    const waiting = await manager.agent.get(`/incidents/${ref}/deadlines`);
    assert.match(
      waiting.text,
      /Waiting for its clock to start:<\/strong> the decision that the breach is notifiable \(aware_eligible_breach\)\./,
    );
    const res = await manager.post(
      `/incidents/${ref}/decisions`,
      {
        isNotifiable: "yes",
        regimes: "AU-NDB, EU-GDPR",
        rationale: "Names, addresses and hashed passwords.",
        decidedAt: "2026-03-01 10:00",
      },
      `/incidents/${ref}/assessment`,
    );
    assert.equal(res.status, 303);
    const decision = await t.db.prisma.decision.findFirstOrThrow({ where: { incidentId: incident.id } });
    const oaic = await obligationOf("AU-NDB-oaic");
    assert.equal(oaic.clockStartedBy, `decision.notifiable:${decision.id}`);
    assert.equal(oaic.clockStartedAt?.toISOString(), "2026-03-01T10:00:00.000Z");
    const page = await manager.agent.get(`/incidents/${ref}/deadlines`);
    assert.match(
      page.text,
      new RegExp(`<a href="/incidents/${ref}/assessment#decision-${decision.id}">the decision that the breach is notifiable</a>`),
    );
    // The face gives the API the same: the decision as what started the clock, with its link.
    const clocks = await loadIncidentClocks(t.deps, incident, "UTC");
    const started = clocks.obligations.find((o) => o.rule.id === "AU-NDB-oaic")?.startedBy;
    assert.equal(started?.fact, "decision.notifiable");
    assert.equal(started?.href, `/incidents/${ref}/assessment#decision-${decision.id}`);
    const assessment = await manager.agent.get(`/incidents/${ref}/assessment`);
    assert.match(assessment.text, new RegExp(`id="decision-${decision.id}"`));
  });

  it("an explicit clock event overrides the fact, audited and shown as an override", async () => {
    const res = await manager.post(
      `/incidents/${ref}/clock-events`,
      { code: "awareness", at: "2026-03-01 08:00", atZone: "Europe/Dublin", note: "EDPB: reasonable certainty reached" },
      `/incidents/${ref}/deadlines`,
    );
    assert.equal(res.status, 303);
    const gdpr = await obligationOf("EU-GDPR-33");
    assert.equal(gdpr.clockStartedBy, "clock_event:awareness");
    assert.equal(gdpr.dueAt?.toISOString(), "2026-03-04T08:00:00.000Z");
    const page = await manager.agent.get(`/incidents/${ref}/deadlines`);
    assert.match(
      page.text,
      /the clock event We became aware of the breach[^<]*<\/a> <strong class="badge-override">override<\/strong>/,
    );
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "clock_event.record", incidentId: incident.id },
      orderBy: { seq: "desc" },
    });
    assert.match(audit.after ?? "", /"code":"awareness"/);
  });

  it("moving the incident's awareness moves the clocks that start from it, not the overridden one", async () => {
    const form = await manager.agent.get(`/incidents/${ref}/edit`);
    assert.equal(form.status, 200);
    const res = await manager.post(
      `/incidents/${ref}`,
      {
        title: incident.title,
        summary: "",
        severity: "high",
        timeZone: "Europe/Dublin",
        ownerId: "",
        team: "",
        occurredFrom: "",
        occurredTo: "",
        detectedAt: "2026-02-28 15:00",
        awareAt: "2026-02-28 19:00",
      },
      `/incidents/${ref}/edit`,
    );
    assert.equal(res.status, 303);
    await manager.post(`/incidents/${ref}/obligations`, { ruleIds: "AU-NDB-assess" }, `/incidents/${ref}/deadlines`);
    assert.equal((await obligationOf("AU-NDB-assess")).clockStartedAt?.toISOString(), "2026-02-28T19:00:00.000Z");
    assert.equal((await obligationOf("EU-GDPR-33")).dueAt?.toISOString(), "2026-03-04T08:00:00.000Z");
  });

  it("a materiality determination starts SEC 8-K Item 1.05", async () => {
    await manager.post(`/incidents/${ref}/obligations`, { ruleIds: "US-SEC-8K-105" }, `/incidents/${ref}/deadlines`);
    assert.equal((await obligationOf("US-SEC-8K-105")).dueAt, null);
    await manager.post(
      `/incidents/${ref}/decisions`,
      {
        isNotifiable: "yes",
        regimes: "AU-NDB",
        rationale: "Material: the ticketing platform is the business.",
        decidedAt: "",
        materiality: "material",
      },
      `/incidents/${ref}/assessment`,
    );
    const sec = await obligationOf("US-SEC-8K-105");
    assert.match(sec.clockStartedBy, /^decision\.material:/);
    assert.ok(sec.dueAt);
    // Restating the notifiable decision does not restart the OAIC clock.
    assert.equal((await obligationOf("AU-NDB-oaic")).clockStartedAt?.toISOString(), "2026-03-01T10:00:00.000Z");
  });
});
