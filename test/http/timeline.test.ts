import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newId } from "../../src/lib/ids.js";
import { createTestApp, csrfFrom, signedIn, type TestApp } from "../helpers/app.js";

type Client = Awaited<ReturnType<typeof signedIn>>;

let incidentCount = 0;
async function createIncident(t: TestApp, timeZone = "Australia/Sydney") {
  incidentCount += 1;
  return t.db.prisma.incident.create({
    data: {
      id: newId(),
      reference: `BD-2026-${String(incidentCount).padStart(4, "0")}`,
      year: 2026,
      number: incidentCount,
      title: `Web server compromise ${incidentCount}`,
      severity: "high",
      timeZone,
    },
  });
}

function eventForm(overrides: Record<string, string | string[]> = {}) {
  return {
    kind: "detection",
    description: "IDS alert: outbound traffic from web01",
    occurredAt: "2026-03-01T09:15",
    occurredAtZone: "Australia/Sydney",
    visibility: "internal",
    ...overrides,
  };
}

/** Posts a form the way the timeline page's forms do: with the token from that page. */
async function postForm(client: Client, reference: string, path: string, form: Record<string, string | string[]>) {
  const token = csrfFrom((await client.agent.get(`/incidents/${reference}/events`)).text);
  return client.agent
    .post(path)
    .type("form")
    .send({ _csrf: token, ...form });
}

async function uploadCsv(client: Client, reference: string, csv: string | Buffer, defaultZone = "Australia/Sydney") {
  const page = await client.agent.get(`/incidents/${reference}/events/import`);
  return client.agent
    .post(`/incidents/${reference}/events/import`)
    .field("_csrf", csrfFrom(page.text))
    .field("defaultZone", defaultZone)
    .attach("file", Buffer.isBuffer(csv) ? csv : Buffer.from(csv), "events.csv");
}

function decodeEntities(html: string): string {
  return html.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

describe("timeline pages", () => {
  let t: TestApp;
  let manager: Client;
  let viewer: Client;
  before(async () => {
    t = await createTestApp();
    manager = await signedIn(t, "manager");
    viewer = await signedIn(t, "viewer");
    await t.db.prisma.user.update({ where: { id: viewer.user.id }, data: { timeZone: "Europe/London" } });
  });
  after(() => t.close());

  it("shows an event entered in Sydney to a viewer in London, in London time with Sydney beside it", async () => {
    const incident = await createIncident(t);
    const res = await postForm(
      manager,
      incident.reference,
      `/incidents/${incident.reference}/events`,
      eventForm({ visibility: "public" }),
    );
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, `/incidents/${incident.reference}/timeline#timeline`);

    for (const path of [`/incidents/${incident.reference}/timeline`, `/incidents/${incident.reference}/events`]) {
      const page = await viewer.agent.get(path);
      assert.equal(page.status, 200, path);
      const html = decodeEntities(page.text);
      assert.match(html, /<time datetime="2026-02-28T22:15:00.000Z">2026-02-28 22:15 GMT<\/time>/, path);
      assert.match(html, /\(entered as 2026-03-01 09:15 [^()]+ \(Australia\/Sydney\)\)/, path);
      assert.match(html, /IDS alert: outbound traffic from web01/);
      assert.match(html, /<span class="tag tag--public">public<\/span>/);
      assert.match(html, new RegExp(`by ${manager.user.email.replace(/[.]/g, "\\.")}`));
      assert.match(html, /<ol class="timeline__events">/);
    }
  });

  it("lets a viewer read but not post, and shows them no forms", async () => {
    const incident = await createIncident(t);
    await postForm(manager, incident.reference, `/incidents/${incident.reference}/events`, eventForm());
    const event = await t.db.prisma.timelineEvent.findFirstOrThrow({ where: { incidentId: incident.id } });

    const page = await viewer.agent.get(`/incidents/${incident.reference}/events`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /action="\/incidents\/[^"]+\/events/);
    assert.doesNotMatch(page.text, /Correct entry|Add an event|Import events from a CSV/);
    const managerPage = await manager.agent.get(`/incidents/${incident.reference}/events`);
    assert.match(managerPage.text, /Correct entry 1/);
    assert.match(managerPage.text, /Add an event/);

    const importPage = await viewer.agent.get(`/incidents/${incident.reference}/events/import`);
    assert.equal(importPage.status, 200);
    assert.doesNotMatch(importPage.text, /enctype="multipart\/form-data"/);

    const token = csrfFrom(page.text);
    for (const path of [
      `/incidents/${incident.reference}/events`,
      `/incidents/${incident.reference}/events/${event.id}/corrections`,
      `/incidents/${incident.reference}/events/import/${newId()}`,
    ]) {
      const res = await viewer.agent
        .post(path)
        .type("form")
        .send({ _csrf: token, ...eventForm() });
      assert.equal(res.status, 403, path);
    }
    const upload = await viewer.agent
      .post(`/incidents/${incident.reference}/events/import`)
      .field("_csrf", token)
      .field("defaultZone", "UTC")
      .attach("file", Buffer.from("timestamp,kind,description\n2026-03-01 10:00,note,x\n"), "events.csv");
    assert.equal(upload.status, 403);
    assert.equal(await t.db.prisma.timelineEvent.count({ where: { incidentId: incident.id } }), 1);
    assert.equal(await t.db.prisma.timelineImport.count(), 0);
  });

  it("re-renders a refused form with a message per field and what was typed", async () => {
    const incident = await createIncident(t);
    const system = await t.db.prisma.affectedSystem.create({
      data: { id: newId(), incidentId: incident.id, name: "web01", status: "compromised" },
    });
    const res = await postForm(
      manager,
      incident.reference,
      `/incidents/${incident.reference}/events`,
      eventForm({ kind: "containment", description: "Pulled <the> cable", occurredAt: "yesterday", systemIds: [system.id] }),
    );
    assert.equal(res.status, 400);
    assert.match(res.text, /Some fields need correcting/);
    assert.match(res.text, /Use the form 2016-03-22 09:30/);
    assert.match(res.text, /<a href="#occurredAt">/);
    assert.match(res.text, /value="yesterday"/);
    assert.match(res.text, />Pulled &lt;the&gt; cable<\/textarea>/);
    assert.match(res.text, /<option value="containment" selected>/);
    assert.match(res.text, new RegExp(`value="${system.id}" checked`));
    assert.match(res.text, /<option value="Australia\/Sydney" selected>/);

    const empty = await postForm(manager, incident.reference, `/incidents/${incident.reference}/events`, {
      ...eventForm({ description: "   " }),
    });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /Describe what happened\./);
    assert.equal(await t.db.prisma.timelineEvent.count({ where: { incidentId: incident.id } }), 0);
  });

  it("refuses a time that daylight saving skipped, saying so, and takes it with a fixed offset", async () => {
    const incident = await createIncident(t);
    const path = `/incidents/${incident.reference}/events`;
    const gap = await postForm(manager, incident.reference, path, eventForm({ occurredAt: "2026-10-04T02:30" }));
    assert.equal(gap.status, 400);
    assert.match(decodeEntities(gap.text), /2026-10-04T02:30 does not exist in Australia\/Sydney \(a daylight-saving change\)/);
    const overlap = await postForm(manager, incident.reference, path, eventForm({ occurredAt: "2026-04-05T02:30" }));
    assert.equal(overlap.status, 400);
    assert.match(decodeEntities(overlap.text), /happened twice in Australia\/Sydney/);
    const fixed = await postForm(
      manager,
      incident.reference,
      path,
      eventForm({ occurredAt: "2026-04-05T02:30", occurredAtZone: "UTC+11:00" }),
    );
    assert.equal(fixed.status, 303);
    const event = await t.db.prisma.timelineEvent.findFirstOrThrow({ where: { incidentId: incident.id } });
    assert.equal(event.occurredAt.toISOString(), "2026-04-04T15:30:00.000Z");
  });

  it("records a correction as a new entry and shows both", async () => {
    const incident = await createIncident(t);
    await postForm(manager, incident.reference, `/incidents/${incident.reference}/events`, eventForm());
    const original = await t.db.prisma.timelineEvent.findFirstOrThrow({ where: { incidentId: incident.id } });
    t.clock.advance(60_000);
    const res = await postForm(
      manager,
      incident.reference,
      `/incidents/${incident.reference}/events/${original.id}/corrections`,
      eventForm({ occurredAt: "2026-03-01T08:15", description: "The alert fired at 08:15, not 09:15" }),
    );
    assert.equal(res.status, 303, res.text);
    const page = decodeEntities((await viewer.agent.get(`/incidents/${incident.reference}/events`)).text);
    assert.match(page, /IDS alert: outbound traffic from web01/);
    assert.match(page, /The alert fired at 08:15, not 09:15/);
    assert.match(page, /<span class="tag tag--corrected">corrected<\/span>/);
    assert.match(page, /Corrects <a href="#event-[^"]+">entry 1<\/a>/);
    assert.match(page, /This entry was corrected:/);

    const bad = await postForm(
      manager,
      incident.reference,
      `/incidents/${incident.reference}/events/${original.id}/corrections`,
      eventForm({ description: "" }),
    );
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Correct an entry of/);
    const missing = await postForm(
      manager,
      incident.reference,
      `/incidents/${incident.reference}/events/${newId()}/corrections`,
      eventForm(),
    );
    assert.equal(missing.status, 404);
  });

  it("imports a CSV end to end: preview with line numbers, error report, confirm once", async () => {
    const incident = await createIncident(t);
    const csv = [
      "Timestamp;Kind;Description",
      "2026-03-01 09:00;detection;Alert from the IDS",
      '2026-03-01 09:30;Intrusion step;"Attacker used; a stolen key"',
      "2026-10-04 02:30;note;Inside the DST gap",
      "=cmd|' /C calc'!A0;note;Formula in the timestamp",
      "2026-03-01 11:00;breach;Unknown kind",
      '2026-03-01T12:00+11:00;containment;"Port closed,',
      'rule added"',
    ].join("\r\n");
    const uploaded = await uploadCsv(manager, incident.reference, csv);
    assert.equal(uploaded.status, 303, uploaded.text);
    const previewPath = String(uploaded.headers.location);
    assert.match(previewPath, new RegExp(`^/incidents/${incident.reference}/events/import/[0-9a-f-]{36}$`));

    const preview = await manager.agent.get(previewPath);
    assert.equal(preview.status, 200);
    const html = decodeEntities(preview.text);
    assert.match(html, /<strong>3<\/strong> rows are ready to import; <strong>3<\/strong> rows have errors/);
    assert.match(
      html,
      /Error on line 4:<\/strong> Timestamp "2026-10-04 02:30": 2026-10-04 02:30 does not exist in Australia\/Sydney/,
    );
    assert.match(html, /Error on line 5:/);
    assert.match(html, /Error on line 6:<\/strong> Unknown kind "breach"\. Use one of: detection, intrusion/);
    assert.match(html, /Attacker used; a stolen key/);
    assert.match(html, /Port closed,\r?\nrule added/);
    assert.match(html, /Import 3 events/);
    assert.match(html, /errors\.csv/);

    const report = await manager.agent.get(`${previewPath}/errors.csv`);
    assert.equal(report.status, 200);
    assert.match(String(report.headers["content-type"]), /^text\/csv/);
    assert.match(String(report.headers["content-disposition"]), /attachment; filename="?events-errors\.csv"?$/);
    const lines = report.text
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    assert.equal(lines[0], "line,row,reason");
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(",")[0]),
      ["4", "5", "6"],
    );
    assert.ok(lines[2]?.startsWith("5,'=cmd|' /C calc'!A0;note;Formula in the timestamp,"), lines[2]);

    const token = csrfFrom(preview.text);
    const confirmed = await manager.agent.post(previewPath).type("form").send({ _csrf: token });
    assert.equal(confirmed.status, 303);
    assert.equal(confirmed.headers.location, `/incidents/${incident.reference}/timeline#timeline`);
    const events = await t.db.prisma.timelineEvent.findMany({
      where: { incidentId: incident.id },
      orderBy: { occurredAt: "asc" },
    });
    assert.deepEqual(
      events.map((e) => [e.kind, e.source, e.description]),
      [
        ["detection", "import", "Alert from the IDS"],
        ["intrusion", "import", "Attacker used; a stolen key"],
        ["containment", "import", "Port closed,\r\nrule added"],
      ],
    );
    const flash = await manager.agent.get(`/incidents/${incident.reference}/events`);
    assert.match(flash.text, /3 events imported\. 3 rows with errors left out\./);

    const again = await manager.agent.post(previewPath).type("form").send({ _csrf: token });
    assert.equal(again.status, 303);
    assert.equal(again.headers.location, previewPath);
    const afterAgain = await manager.agent.get(previewPath);
    assert.match(afterAgain.text, /This file was imported already; nothing was added this time\./);
    assert.match(afterAgain.text, /This file was imported on/);
    assert.doesNotMatch(afterAgain.text, /Import 3 events/);
    assert.equal(await t.db.prisma.timelineEvent.count({ where: { incidentId: incident.id } }), 3);
  });

  it("refuses an upload over 1 MiB, a file without the columns, one with no good row, and one without the CSRF token", async () => {
    const incident = await createIncident(t);
    const forged = await manager.agent
      .post(`/incidents/${incident.reference}/events/import`)
      .field("defaultZone", "UTC")
      .attach("file", Buffer.from("timestamp,kind,description\n2026-03-01 10:00,note,x\n"), "events.csv");
    assert.equal(forged.status, 403);
    assert.match(forged.text, /This form has expired or came from another site/);
    const big = `timestamp,kind,description\n${"2026-03-01 10:00,note,padding padding padding padding\n".repeat(22_000)}`;
    assert.ok(Buffer.byteLength(big) > 1024 * 1024);
    const tooBig = await uploadCsv(manager, incident.reference, big);
    assert.equal(tooBig.status, 413);
    assert.match(tooBig.text, /larger than 1 MiB/);
    const noColumns = await uploadCsv(manager, incident.reference, "date,what\n2026-03-01,x\n");
    assert.equal(noColumns.status, 400);
    assert.match(noColumns.text, /must name the columns timestamp, kind and description/);
    assert.equal(await t.db.prisma.timelineImport.count({ where: { incidentId: incident.id } }), 0);

    const allBad = await uploadCsv(manager, incident.reference, "timestamp,kind,description\nsoon,note,x\n");
    assert.equal(allBad.status, 303);
    const preview = await manager.agent.get(String(allBad.headers.location));
    assert.match(preview.text, /No row can be imported/);
    const confirm = await manager.agent
      .post(String(allBad.headers.location))
      .type("form")
      .send({ _csrf: csrfFrom(preview.text) });
    assert.equal(confirm.status, 303);
    assert.match((await manager.agent.get(String(allBad.headers.location))).text, /No row of this file can be imported/);
    assert.equal(await t.db.prisma.timelineEvent.count({ where: { incidentId: incident.id } }), 0);
  });

  it("answers 404 for an unknown incident or upload", async () => {
    assert.equal((await viewer.agent.get("/incidents/BD-1999-0001/events")).status, 404);
    const incident = await createIncident(t);
    assert.equal((await viewer.agent.get(`/incidents/${incident.reference}/events/import/${newId()}`)).status, 404);
    assert.equal((await viewer.agent.get(`/incidents/${incident.reference}/events/import/${newId()}/errors.csv`)).status, 404);
  });

  it("puts every change in the audit log", async () => {
    const actions = (await t.db.prisma.auditEntry.findMany({ where: { action: { startsWith: "timeline." } } })).map(
      (a) => a.action,
    );
    const counts = Object.fromEntries(
      ["timeline.event_add", "timeline.event_correct", "timeline.import_upload", "timeline.import"].map((a) => [
        a,
        actions.filter((x) => x === a).length,
      ]),
    );
    const added = await t.db.prisma.timelineEvent.count({ where: { source: "manual", correctsId: null } });
    const corrections = await t.db.prisma.timelineEvent.count({ where: { correctsId: { not: null } } });
    assert.deepEqual(counts, {
      "timeline.event_add": added,
      "timeline.event_correct": corrections,
      "timeline.import_upload": await t.db.prisma.timelineImport.count(),
      "timeline.import": await t.db.prisma.timelineImport.count({ where: { importedAt: { not: null } } }),
    });
    assert.ok(added >= 4 && corrections >= 1);
  });
});
