import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createIncident } from "../../src/modules/incidents/incidents.service.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";
import { addIncident } from "../helpers/incidents.js";

const newIncidentForm = {
  title: "Linux Australia conference server breach",
  summary: "Zookeepr server compromised; attendee data of 2013-2015 exposed.",
  severity: "high",
  timeZone: "Australia/Sydney",
  team: "Admin team",
  occurredFrom: "2016-03-22 00:00",
  occurredTo: "",
  detectedAt: "2016-03-22 09:00",
  awareAt: "2016-03-24 10:00",
};

describe("incidents through the browser", () => {
  let t: TestApp;
  let manager: Awaited<ReturnType<typeof signedIn>>;
  let viewer: Awaited<ReturnType<typeof signedIn>>;
  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
  });
  after(() => t.close());

  async function post(client: typeof manager, path: string, form: Record<string, string>, tokenPath = "/incidents") {
    const token = csrfFrom((await client.agent.get(tokenPath)).text);
    return client.agent
      .post(path)
      .type("form")
      .send({ _csrf: token, ...form });
  }

  it("records an incident with the next reference of the year, and shows it", async () => {
    const res = await post(manager, "/incidents", { ...newIncidentForm, ownerId: manager.user.id });
    assert.equal(res.status, 303);
    assert.match(String(res.headers.location), /^\/incidents\/BD-2026-\d{4}$/);
    const page = await manager.agent.get(String(res.headers.location));
    assert.equal(page.status, 200);
    assert.match(page.text, /Linux Australia conference server breach/);
    assert.match(page.text, /Zookeepr server compromised/);
    const incident = await t.db.prisma.incident.findFirstOrThrow({ where: { title: newIncidentForm.title } });
    assert.equal(incident.detectedAt?.toISOString(), "2016-03-21T22:00:00.000Z", "09:00 in Sydney (UTC+11)");
    assert.equal(+incident.occurredFrom!, +incident.occurredTo!, "one moment when only From is given");
    assert.equal(incident.ownerId, manager.user.id);
    const audit = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "incident.create", entityId: incident.id } });
    assert.equal(audit.incidentId, incident.id);
  });

  it("numbers references in sequence and never twice, even when created at once", async () => {
    const made = await Promise.all(Array.from({ length: 5 }, (_, i) => addIncident(t, { title: `Parallel ${i}` })));
    const references = made.map((i) => i.reference);
    assert.equal(new Set(references).size, 5);
    for (const reference of references) assert.match(reference, /^BD-2026-\d{4}$/);
  });

  it("re-renders the form with a message per bad field and keeps what was typed", async () => {
    const res = await post(manager, "/incidents", {
      ...newIncidentForm,
      title: "",
      severity: "apocalyptic",
      timeZone: "Mars/Olympus",
      detectedAt: "yesterday-ish",
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /Enter a title\./);
    assert.match(res.text, /Choose low, medium, high or critical\./);
    assert.match(res.text, /Choose a time zone from the list/);
    assert.match(res.text, /Zookeepr server compromised/, "the summary typed is kept");
  });

  it("refuses a local time that daylight saving skipped, asking for the offset", async () => {
    const res = await post(manager, "/incidents", { ...newIncidentForm, detectedAt: "2016-10-02 02:30" });
    assert.equal(res.status, 400);
    assert.match(res.text, /does not exist in Australia\/Sydney/);
    const withOffset = await post(manager, "/incidents", {
      ...newIncidentForm,
      title: "With offset",
      detectedAt: "2016-10-02 02:30+10:00",
      awareAt: "",
    });
    assert.equal(withOffset.status, 303);
  });

  it("edits details and audits only what changed", async () => {
    const incident = await addIncident(t, { title: "Before the edit" });
    const res = await post(manager, `/incidents/${incident.reference}`, {
      ...newIncidentForm,
      title: "After the edit",
      severity: "critical",
    });
    assert.equal(res.status, 303);
    const entry = await t.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "incident.update", entityId: incident.id } });
    const before = JSON.parse(entry.before ?? "{}");
    const after = JSON.parse(entry.after ?? "{}");
    assert.equal(before.title, "Before the edit");
    assert.equal(after.title, "After the edit");
    assert.equal(after.severity, "critical");
    assert.ok(!("reference" in after), "unchanged fields are left out");
  });

  it("lets a viewer read everything and change nothing", async () => {
    const incident = await addIncident(t, { title: "Viewer reads this" });
    const page = await viewer.agent.get(`/incidents/${incident.reference}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Viewer reads this/);
    assert.doesNotMatch(page.text, /action="\/incidents\/[^"]+\/status"/, "no status forms");
    assert.doesNotMatch(page.text, /Edit details/);
    assert.doesNotMatch(page.text, /Record the decision/);
    assert.equal((await viewer.agent.get("/incidents")).status, 200);
    assert.equal((await viewer.agent.get("/incidents/new")).status, 403);
    for (const path of [
      "/incidents",
      `/incidents/${incident.reference}`,
      `/incidents/${incident.reference}/status`,
      `/incidents/${incident.reference}/decisions`,
    ]) {
      const res = await post(viewer, path, { title: "x", to: "investigating" });
      assert.equal(res.status, 403, path);
    }
  });

  it("walks the lifecycle, asking each step for what it needs, and writes each step on the timeline", async () => {
    const incident = await addIncident(t, { title: "Lifecycle" });
    const ref = incident.reference;
    const move = (form: Record<string, string>) => post(manager, `/incidents/${ref}/status`, form);
    assert.equal((await move({ to: "notifying" })).status, 400, "not allowed from detected");
    assert.equal((await move({ to: "investigating" })).status, 303);
    const noTime = await move({ to: "contained" });
    assert.equal(noTime.status, 400);
    assert.match(noTime.text, /Enter when the breach was contained/);
    assert.equal((await move({ to: "contained", containedAt: "2016-03-24 15:00" })).status, 303);
    assert.equal((await move({ to: "assessing" })).status, 303);
    const noDecision = await move({ to: "notifying" });
    assert.equal(noDecision.status, 400);
    assert.match(noDecision.text, /Record a decision that the breach is notifiable/);
    const decision = await post(manager, `/incidents/${ref}/decisions`, {
      isNotifiable: "yes",
      regimes: "au-ndb, EU-GDPR",
      rationale: "Contact details and password hashes of attendees; serious harm likely.",
    });
    assert.equal(decision.status, 303);
    assert.equal((await move({ to: "notifying" })).status, 303);
    assert.equal((await move({ to: "closed" })).status, 303);
    const reopenWithoutReason = await move({ to: "investigating" });
    assert.equal(reopenWithoutReason.status, 400);
    assert.match(reopenWithoutReason.text, /Say why/);
    assert.equal((await move({ to: "investigating", reason: "A second intrusion was found." })).status, 303);

    const stored = await t.db.prisma.incident.findUniqueOrThrow({ where: { id: incident.id } });
    assert.equal(stored.status, "investigating");
    assert.equal(stored.containedAt?.toISOString(), "2016-03-24T04:00:00.000Z");
    assert.equal(stored.closedAt, null, "reopening clears the closing instant");
    const events = await t.db.prisma.timelineEvent.findMany({
      where: { incidentId: incident.id, source: "lifecycle" },
      orderBy: { recordedAt: "asc" },
    });
    assert.ok(events.some((e) => e.kind === "containment" && e.occurredAt.toISOString() === "2016-03-24T04:00:00.000Z"));
    assert.ok(events.some((e) => /Reopen|Closed to Investigating/.test(e.description) && /second intrusion/.test(e.description)));
    const transitions = await t.db.prisma.auditEntry.count({ where: { action: "incident.transition", incidentId: incident.id } });
    assert.equal(transitions, 6);
    const decisionRow = await t.db.prisma.decision.findFirstOrThrow({ where: { incidentId: incident.id } });
    assert.deepEqual(JSON.parse(decisionRow.regimes), ["AU-NDB", "EU-GDPR"]);
  });

  it("keeps every assessment and decision: a change is a new record", async () => {
    const incident = await addIncident(t, { title: "Decisions" });
    const ref = incident.reference;
    const assessment = {
      dataSensitivity: "high",
      peopleCount: "1,500",
      dataProtected: "partly",
      protectionNote: "password hashes",
      harmPrevented: "no",
      seriousHarmLikely: "likely",
      rationale: "First look",
    };
    assert.equal((await post(manager, `/incidents/${ref}/assessments`, assessment)).status, 303);
    t.clock.advance(60_000);
    assert.equal((await post(manager, `/incidents/${ref}/assessments`, { ...assessment, rationale: "Second look" })).status, 303);
    const bad = await post(manager, `/incidents/${ref}/assessments`, { ...assessment, peopleCount: "lots", harmPrevented: "" });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Enter a whole number/);
    assert.match(bad.text, /Second look|First look|password hashes/);

    await post(manager, `/incidents/${ref}/decisions`, { isNotifiable: "no", regimes: "", rationale: "Hashes only." });
    t.clock.advance(60_000);
    await post(manager, `/incidents/${ref}/decisions`, {
      isNotifiable: "yes",
      regimes: "AU-NDB",
      rationale: "Addresses were exposed too.",
    });
    const noRationale = await post(manager, `/incidents/${ref}/decisions`, { isNotifiable: "yes", rationale: "" });
    assert.equal(noRationale.status, 400);
    assert.match(noRationale.text, /Give the rationale/);

    assert.equal(await t.db.prisma.riskAssessment.count({ where: { incidentId: incident.id } }), 2);
    const decisions = await t.db.prisma.decision.findMany({ where: { incidentId: incident.id }, orderBy: { recordedAt: "asc" } });
    assert.deepEqual(
      decisions.map((d) => d.isNotifiable),
      [false, true],
    );
    const change = await t.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: "decision.change", incidentId: incident.id },
    });
    assert.equal(JSON.parse(change.before ?? "{}").isNotifiable, false);
    const page = await manager.agent.get(`/incidents/${ref}/assessment`);
    assert.match(page.text, /<strong>Notifiable<\/strong> under AU-NDB/);
    assert.match(page.text, /Earlier assessments and decisions/);
    assert.match(page.text, /1,500/);
  });

  it("lists, searches, filters and sorts", async () => {
    const t2 = await createTestApp();
    try {
      const m = await signedIn(t2, "manager");
      const actor = { userId: m.user.id, label: m.user.email, ip: null };
      const base = { summary: "", timeZone: "UTC", team: "", occurredFrom: "", occurredTo: "", detectedAt: "", awareAt: "" };
      const apache = await createIncident(
        t2.deps,
        { ...base, title: "Apache infrastructure compromise", severity: "critical", ownerId: m.user.id },
        actor,
      );
      const la = await createIncident(
        t2.deps,
        { ...base, title: "Linux Australia Zookeepr", severity: "medium", ownerId: null },
        actor,
      );
      const low = await createIncident(t2.deps, { ...base, title: "Misdirected e-mail", severity: "low", ownerId: null }, actor);
      await t2.db.prisma.incident.update({ where: { id: low.id }, data: { status: "closed" } });
      await t2.db.prisma.remedialAction.create({
        data: {
          id: "a1",
          incidentId: la.id,
          title: "Expire attendee accounts",
          dueOn: "2026-03-01",
          dueAt: new Date("2026-03-01T23:59:59Z"),
          status: "open",
        },
      });
      const list = async (query: string) => (await m.agent.get(`/incidents${query}`)).text;
      const shown = (html: string) => [apache, la, low].filter((i) => html.includes(i.reference)).map((i) => i.title);

      assert.deepEqual(
        shown(await list("")),
        ["Apache infrastructure compromise", "Linux Australia Zookeepr"],
        "open by default",
      );
      assert.deepEqual(shown(await list("?status=all")).length, 3);
      assert.deepEqual(shown(await list("?q=ZOOKEEPR&status=all")), ["Linux Australia Zookeepr"], "search ignores case");
      assert.deepEqual(shown(await list("?severity=critical")), ["Apache infrastructure compromise"]);
      assert.deepEqual(shown(await list(`?owner=${m.user.id}`)), ["Apache infrastructure compromise"]);
      assert.deepEqual(shown(await list("?overdue=1")), ["Linux Australia Zookeepr"]);
      assert.match(await list(""), /Overdue: 1 action/);
      const bySeverity = await list("?status=all&sort=severity");
      assert.ok(bySeverity.indexOf(apache.reference) < bySeverity.indexOf(la.reference));
      assert.ok(bySeverity.indexOf(la.reference) < bySeverity.indexOf(low.reference));
      assert.equal((await m.agent.get("/incidents?status=bogus&sort=nonsense&page=-4")).status, 200, "bad filters fall back");
      const dashboard = await m.agent.get("/");
      assert.match(dashboard.text, /2 open incidents/);
      assert.match(dashboard.text, /Expire attendee accounts/);
    } finally {
      await t2.close();
    }
  });

  it("answers 404 for an unknown reference", async () => {
    const res = await viewer.agent.get("/incidents/BD-1999-0001");
    assert.equal(res.status, 404);
    assert.match(res.text, /There is no incident BD-1999-0001/);
  });
});
