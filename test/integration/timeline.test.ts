import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../src/config/config.js";
import type { Deps } from "../../src/deps.js";
import { fixedClock } from "../../src/lib/clock.js";
import { AppError } from "../../src/lib/errors.js";
import { newId } from "../../src/lib/ids.js";
import { createLogger } from "../../src/lib/logger.js";
import { createCatcherMailer } from "../../src/mail/catcher-mailer.js";
import * as timelineRepository from "../../src/modules/timeline/timeline.repository.js";
import { listTimelineEvents } from "../../src/modules/timeline/timeline.repository.js";
import { buildTimelineView } from "../../src/modules/timeline/timeline.section.js";
import * as timelineService from "../../src/modules/timeline/timeline.service.js";
import { addTimelineEvent, correctTimelineEvent, recordTimelineEvent } from "../../src/modules/timeline/timeline.service.js";
import { confirmTimelineImport, uploadTimelineCsv } from "../../src/modules/timeline/timeline-import.service.js";
import { createTestDatabase, type TestDatabase } from "../helpers/db.js";

const actor = { userId: null, label: "manager@example.org", ip: "192.0.2.10" };

let incidentCount = 0;
async function createIncident(db: TestDatabase, timeZone = "Australia/Sydney") {
  incidentCount += 1;
  return db.prisma.incident.create({
    data: {
      id: newId(),
      reference: `BD-2026-${String(incidentCount).padStart(4, "0")}`,
      year: 2026,
      number: incidentCount,
      title: `Incident ${incidentCount}`,
      severity: "high",
      timeZone,
    },
  });
}

async function createSystem(db: TestDatabase, incidentId: string, name: string) {
  return db.prisma.affectedSystem.create({ data: { id: newId(), incidentId, name, status: "compromised" } });
}

function form(overrides: Record<string, unknown> = {}) {
  return {
    kind: "detection",
    description: "IDS alert on the web server",
    occurredAt: "2026-03-01T09:15",
    occurredAtZone: "Australia/Sydney",
    visibility: "internal",
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    return error;
  }
  assert.fail("expected a refusal");
}

describe("timeline on a real database", () => {
  let db: TestDatabase;
  let deps: Deps;
  const clock = fixedClock(new Date("2026-03-02T09:00:00Z"));

  before(async () => {
    db = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: db.url, RUN_WORKER: "false" });
    deps = {
      config,
      db,
      clock,
      logger: createLogger("silent"),
      mailer: createCatcherMailer({ db, from: config.MAIL_FROM, clock }),
    };
  });
  after(() => db.destroy());

  it("offers no way to update or delete an event", () => {
    const names = [...Object.keys(timelineService), ...Object.keys(timelineRepository)];
    assert.ok(names.includes("recordTimelineEvent"));
    assert.deepEqual(
      names.filter((n) => /update|delete|edit|remove|upsert/i.test(n)),
      [],
    );
  });

  it("records an event in the caller's transaction with its audit entry, and rolls back with it", async () => {
    const incident = await createIncident(db);
    const input = {
      occurredAt: new Date("2026-03-01T00:00:00Z"),
      occurredZone: "Australia/Sydney",
      kind: "containment" as const,
      description: "Status changed to contained.",
      source: "lifecycle" as const,
    };
    await assert.rejects(
      db.prisma.$transaction(async (tx) => {
        await recordTimelineEvent(deps, tx, incident, input, actor);
        throw new Error("the caller fails after recording");
      }),
      /the caller fails/,
    );
    assert.equal(await db.prisma.timelineEvent.count({ where: { incidentId: incident.id } }), 0);

    const event = await db.prisma.$transaction((tx) => recordTimelineEvent(deps, tx, incident, input, actor));
    assert.equal(event.source, "lifecycle");
    assert.equal(event.recordedBy, actor.label);
    assert.deepEqual(event.recordedAt, clock.now());
    const audit = await db.prisma.auditEntry.findFirstOrThrow({ where: { entityId: event.id } });
    assert.equal(audit.action, "timeline.event_add");
    assert.equal(audit.entityType, "timeline_event");
    assert.equal(audit.incidentId, incident.id);
    assert.equal(JSON.parse(audit.after ?? "{}").incident, incident.reference);
  });

  it("adds an event entered in a zone, stored in UTC with the zone beside it", async () => {
    const incident = await createIncident(db);
    const system = await createSystem(db, incident.id, "web01");
    const { event } = await addTimelineEvent(deps, incident.reference, form({ systemIds: system.id }), actor);
    assert.equal(event.occurredAt.toISOString(), "2026-02-28T22:15:00.000Z");
    assert.equal(event.occurredZone, "Australia/Sydney");
    assert.equal(event.source, "manual");
    const links = await db.prisma.timelineEventSystem.findMany({ where: { eventId: event.id } });
    assert.deepEqual(
      links.map((l) => l.systemId),
      [system.id],
    );
    const viaApi = await addTimelineEvent(deps, incident.reference.toLowerCase(), form(), actor, "api");
    assert.equal(viaApi.event.source, "api");
  });

  it("refuses a local time skipped by daylight saving, bad fields all at once, and unknown incidents", async () => {
    const incident = await createIncident(db);
    const gap = await refusal(addTimelineEvent(deps, incident.reference, form({ occurredAt: "2026-10-04T02:30" }), actor));
    assert.match(gap.fieldErrors.occurredAt ?? "", /does not exist in Australia\/Sydney/);
    const bad = await refusal(
      addTimelineEvent(deps, incident.reference, form({ kind: "breach", description: " ", visibility: "secret" }), actor),
    );
    assert.deepEqual(Object.keys(bad.fieldErrors).sort(), ["description", "kind", "visibility"]);
    const offset = await addTimelineEvent(
      deps,
      incident.reference,
      form({ occurredAt: "2026-10-04T02:30", occurredAtZone: "UTC+10:00" }),
      actor,
    );
    assert.equal(offset.event.occurredAt.toISOString(), "2026-10-03T16:30:00.000Z");
    assert.equal(offset.event.occurredZone, "UTC+10:00");
    assert.equal((await refusal(addTimelineEvent(deps, "BD-1999-0001", form(), actor))).code, "not_found");
    assert.equal(await db.prisma.timelineEvent.count({ where: { incidentId: incident.id } }), 1);
  });

  it("refuses to link a system of another incident", async () => {
    const mine = await createIncident(db);
    const other = await createIncident(db);
    const foreign = await createSystem(db, other.id, "db01");
    const own = await createSystem(db, mine.id, "web01");
    const error = await refusal(addTimelineEvent(deps, mine.reference, form({ systemIds: [own.id, foreign.id] }), actor));
    assert.equal(error.code, "validation");
    assert.match(error.fieldErrors.systemIds ?? "", /Link only systems of/);
    assert.equal(await db.prisma.timelineEvent.count({ where: { incidentId: mine.id } }), 0);
  });

  it("corrects by adding: the original row is untouched and several corrections are kept", async () => {
    const incident = await createIncident(db);
    const { event: original } = await addTimelineEvent(deps, incident.reference, form(), actor);
    const before = await db.prisma.timelineEvent.findUniqueOrThrow({ where: { id: original.id } });
    clock.advance(60_000);
    const first = await correctTimelineEvent(
      deps,
      incident.reference,
      original.id,
      form({ occurredAt: "2026-03-01T08:15", description: "The alert fired an hour earlier" }),
      actor,
    );
    clock.advance(60_000);
    const second = await correctTimelineEvent(deps, incident.reference, original.id, form({ description: "Second look" }), actor);
    assert.equal(first.event.correctsId, original.id);
    assert.equal(second.event.correctsId, original.id);
    assert.deepEqual(await db.prisma.timelineEvent.findUniqueOrThrow({ where: { id: original.id } }), before);
    assert.equal(await db.prisma.timelineEvent.count({ where: { incidentId: incident.id } }), 3);
    const audit = await db.prisma.auditEntry.findMany({ where: { entityId: { in: [first.event.id, second.event.id] } } });
    assert.deepEqual(
      audit.map((a) => a.action),
      ["timeline.event_correct", "timeline.event_correct"],
    );
  });

  it("refuses to correct an event of another incident", async () => {
    const mine = await createIncident(db);
    const other = await createIncident(db);
    const { event } = await addTimelineEvent(deps, other.reference, form(), actor);
    const error = await refusal(correctTimelineEvent(deps, mine.reference, event.id, form(), actor));
    assert.equal(error.code, "not_found");
    assert.equal(await db.prisma.timelineEvent.count({ where: { incidentId: mine.id } }), 0);
  });

  it("orders the chronology by when events happened, ties by when they were recorded", async () => {
    const incident = await createIncident(db, "UTC");
    const add = async (occurredAt: string, description: string) => {
      clock.advance(1000);
      return (await addTimelineEvent(deps, incident.reference, form({ occurredAt, occurredAtZone: "UTC", description }), actor))
        .event;
    };
    await add("2026-03-01T12:00", "noon, recorded first");
    await add("2026-03-01T08:00", "morning");
    await add("2026-03-01T12:00", "noon, recorded second");
    const late = await add("2026-03-01T23:00", "night");
    const events = await listTimelineEvents(db.prisma, incident.id);
    assert.deepEqual(
      events.map((e) => e.description),
      ["morning", "noon, recorded first", "noon, recorded second", "night"],
    );
    clock.advance(1000);
    await correctTimelineEvent(
      deps,
      incident.reference,
      late.id,
      form({ occurredAt: "2026-03-01T06:00", occurredAtZone: "UTC" }),
      actor,
    );
    const view = buildTimelineView(await listTimelineEvents(db.prisma, incident.id), "Europe/London");
    assert.deepEqual(
      view.map((e) => [e.number, e.corrects?.number ?? null, e.correctedBy.map((c) => c.number)]),
      [
        [5, 4, []],
        [2, null, []],
        [1, null, []],
        [3, null, []],
        [4, null, [5]],
      ],
    );
  });

  it("imports the good rows of an upload once, in one transaction, audited", async () => {
    const incident = await createIncident(db);
    const csv =
      "timestamp,kind,description\n2026-03-01 09:00,detection,First\n2026-10-04 02:30,note,In the gap\n2026-03-01 10:00,Intrusion step,Second\n";
    const upload = await uploadTimelineCsv(
      deps,
      incident.reference,
      { fileName: "events.csv", bytes: Buffer.from(csv), isTooLarge: false },
      { defaultZone: "Australia/Sydney" },
      actor,
    );
    assert.equal(upload.importedAt, null);
    const [first, second] = await Promise.all([
      confirmTimelineImport(deps, incident.reference, upload.id, actor),
      confirmTimelineImport(deps, incident.reference, upload.id, actor),
    ]);
    const outcomes = [first, second].sort((a, b) => Number(a.isAlreadyImported) - Number(b.isAlreadyImported));
    assert.deepEqual(outcomes[0], { reference: incident.reference, isAlreadyImported: false, imported: 2, skipped: 1 });
    assert.equal(outcomes[1]?.isAlreadyImported, true);
    const events = await db.prisma.timelineEvent.findMany({ where: { incidentId: incident.id }, orderBy: { occurredAt: "asc" } });
    assert.deepEqual(
      events.map((e) => [e.description, e.kind, e.source, e.occurredZone]),
      [
        ["First", "detection", "import", "Australia/Sydney"],
        ["Second", "intrusion", "import", "Australia/Sydney"],
      ],
    );
    const audit = await db.prisma.auditEntry.findMany({ where: { entityId: upload.id }, orderBy: { seq: "asc" } });
    assert.deepEqual(
      audit.map((a) => [a.action, a.incidentId]),
      [
        ["timeline.import_upload", incident.id],
        ["timeline.import", incident.id],
      ],
    );
    assert.deepEqual(JSON.parse(audit[1]?.after ?? "{}"), {
      incident: incident.reference,
      fileName: "events.csv",
      imported: 2,
      skipped: 1,
    });
  });

  it("refuses an upload that is too large, not UTF-8 or without the columns, storing nothing", async () => {
    const incident = await createIncident(db);
    const upload = (bytes: Buffer, isTooLarge = false) =>
      refusal(
        uploadTimelineCsv(deps, incident.reference, { fileName: "x.csv", bytes, isTooLarge }, { defaultZone: "UTC" }, actor),
      );
    assert.match((await upload(Buffer.alloc(10), true)).fieldErrors.file ?? "", /larger than 1 MiB/);
    assert.match((await upload(Buffer.from([0xff, 0xfe, 0x41]))).fieldErrors.file ?? "", /not UTF-8/);
    assert.match((await upload(Buffer.from("date,text\n1,2"))).fieldErrors.file ?? "", /lacks timestamp, kind/);
    assert.equal(await db.prisma.timelineImport.count({ where: { incidentId: incident.id } }), 0);
  });
});
