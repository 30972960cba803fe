import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { JobDispatcher } from "../../src/jobs/dispatcher.js";
import { createLogger } from "../../src/lib/logger.js";
import { recordDecision } from "../../src/modules/assessments/assessments.service.js";
import { recordClockEvent } from "../../src/modules/obligations/clock-events.service.js";
import { applyObligations, changeObligationStatus } from "../../src/modules/obligations/obligations.service.js";
import { sweepDigests } from "../../src/modules/reminders/digest.service.js";
import { sweepReminders } from "../../src/modules/reminders/reminder-sweep.service.js";
import { reminderJobs } from "../../src/modules/reminders/reminder-sweeps.job.js";
import { addUser, createTestApp, type TestApp } from "../helpers/app.js";
import { testLane } from "../helpers/db.js";
import { addIncident } from "../helpers/incidents.js";
import { addAssessmentObligation } from "../helpers/reminders.js";

const at = (iso: string) => new Date(iso);
const actor = { userId: null, label: "test", ip: null };

describe(`reminders (${testLane})`, () => {
  let t: TestApp;
  let dispatcher: JobDispatcher;

  before(async () => {
    t = await createTestApp({ PUBLIC_URL: "https://breachdesk.example.org" });
    dispatcher = new JobDispatcher({
      db: t.db,
      logger: createLogger("silent"),
      clock: t.clock,
      config: t.deps.config,
      mailer: t.deps.mailer,
      workerId: "test-worker",
      pollMs: 1000,
      leaseMs: 60_000,
      jobs: reminderJobs,
    });
  });
  after(() => t.close());
  beforeEach(async () => {
    await t.db.prisma.caughtMail.deleteMany();
    await t.db.prisma.job.deleteMany();
    // Each test owns its deadlines: the sweep looks at every pending obligation.
    await t.db.prisma.obligation.deleteMany();
    await t.db.prisma.clockEvent.deleteMany();
  });

  /** Sweeps at the instant, then runs every job the sweep led to (the sends, then the deliveries). */
  async function sweepAt(iso: string) {
    t.clock.set(at(iso));
    const result = await sweepReminders(t.db, t.clock.now());
    while ((await dispatcher.runOnce()) > 0) {}
    return result;
  }
  const mails = () => t.db.prisma.caughtMail.findMany({ orderBy: { createdAt: "asc" } });

  it("sends the Linux Australia assessment reminders at their local times, once each, and only the latest after downtime", async () => {
    const owner = await addUser(t, "manager", "owner@linux.org.au");
    await t.db.prisma.user.update({ where: { id: owner.id }, data: { timeZone: "Europe/Berlin" } });
    const incident = await addIncident(t, { title: "Linux Australia conference server", ownerId: owner.id });
    const obligation = await addAssessmentObligation(t.db, incident.id);
    assert.deepEqual(obligation.dueAt, at("2016-04-23T13:59:59.999Z"), "end of 23 April 2016 in Sydney (AEST)");

    // Half of the window: 2016-04-08 16:30 in Sydney (after the end of daylight saving on 3 April).
    assert.equal((await sweepAt("2016-04-08T06:29:59.999Z")).enqueued, 0);
    assert.equal((await sweepAt("2016-04-08T06:30:00.000Z")).enqueued, 1);
    assert.equal((await sweepAt("2016-04-08T06:45:00.000Z")).enqueued, 0, "a second sweep schedules nothing");
    let sent = await mails();
    assert.equal(sent.length, 1);
    const half = sent[0]!;
    assert.equal(half.to, "owner@linux.org.au");
    assert.deepEqual(half.createdAt, at("2016-04-08T06:30:00.000Z"));
    assert.match(
      half.subject,
      /^BD-\d{4}-\d{4}: Assess a suspected eligible data breach \(AU-NDB-assess\), due in 15 days 7 hours$/,
    );
    assert.match(half.text ?? "", /Due \(your time\): {3}Saturday 23 April 2016, 15:59 \(Europe\/Berlin, UTC\+02:00\)/);
    assert.match(half.text ?? "", /Due \(rule's time\): Saturday 23 April 2016, 23:59 \(Australia\/Sydney, UTC\+10:00\)/);
    assert.match(half.text ?? "", new RegExp(`https://breachdesk.example.org/incidents/${incident.reference}`));
    assert.match(half.messageId, /^<reminder\.[0-9a-f]{32}@breachdesk>$/);

    // Three quarters (2016-04-16 08:14 Sydney): swept a minute late, still sent once.
    assert.equal((await sweepAt("2016-04-15T22:16:00.000Z")).enqueued, 1);
    // Down from before "a day before" (22 April 23:59 Sydney) until after the deadline: only "due" is sent.
    const late = await sweepAt("2016-04-23T15:00:00.000Z");
    assert.deepEqual([late.enqueued, late.skipped], [1, 1]);
    // Down for four overdue days: only the fourth is sent, the others are not back-filled
    // (skipped counts the slots this sweep passes over: overdue 1 to 3).
    const overdue = await sweepAt("2016-04-27T15:00:00.000Z");
    assert.deepEqual([overdue.enqueued, overdue.skipped], [1, 3]);
    sent = await mails();
    assert.equal(sent.length, 4);
    assert.match(sent[3]!.subject, /^OVERDUE: .*overdue by 4 days 1 hour$/);
    const keys = (await t.db.prisma.job.findMany({ where: { kind: "reminders.send" }, orderBy: { runAt: "asc" } })).map(
      (j) => j.key,
    );
    assert.deepEqual(
      keys.map((k) => k.split(":").at(-1)),
      ["half", "three-quarters", "due", "overdue-4"],
    );
    assert.equal(new Set(sent.map((m) => m.messageId)).size, 4);

    // Met: nothing more, neither from the sweep nor from a send already scheduled.
    await sweepAt("2016-04-28T13:59:59.999Z"); // schedules overdue-5...
    await t.db.prisma.obligation.update({ where: { id: obligation.id }, data: { status: "met" } });
    assert.equal((await sweepAt("2016-04-29T15:00:00.000Z")).enqueued, 0);
    assert.equal((await mails()).length, 5);
  });

  it("re-checks at send time: a reminder scheduled before the obligation was met sends nothing", async () => {
    const owner = await addUser(t, "manager");
    const incident = await addIncident(t, { ownerId: owner.id });
    const obligation = await addAssessmentObligation(t.db, incident.id);
    t.clock.set(at("2016-04-08T07:00:00.000Z"));
    assert.equal((await sweepReminders(t.db, t.clock.now())).enqueued, 1);
    await t.db.prisma.obligation.update({ where: { id: obligation.id }, data: { status: "met" } });
    while ((await dispatcher.runOnce()) > 0) {}
    assert.equal((await mails()).length, 0);
  });

  it("reminds the owner only when they want it, and every active manager of an unowned incident", async () => {
    const quiet = await addUser(t, "manager");
    await t.db.prisma.user.update({ where: { id: quiet.id }, data: { remindersEnabled: false } });
    const owned = await addIncident(t, { ownerId: quiet.id });
    await addAssessmentObligation(t.db, owned.id);
    const unowned = await addIncident(t, { ownerId: null });
    await addAssessmentObligation(t.db, unowned.id);
    const viewer = await addUser(t, "viewer");
    const admin = await addUser(t, "admin");
    const deactivated = await addUser(t, "manager");
    await t.db.prisma.user.update({ where: { id: deactivated.id }, data: { status: "deactivated" } });

    await sweepAt("2016-04-08T07:00:00.000Z");
    const to = (await mails()).map((m) => m.to);
    assert.ok(to.includes(admin.email));
    for (const nobody of [quiet.email, viewer.email, deactivated.email]) assert.ok(!to.includes(nobody), nobody);
    const managers = await t.db.prisma.user.count({
      where: { status: "active", role: { in: ["manager", "admin"] }, remindersEnabled: true },
    });
    assert.equal(to.length, managers, "one message per manager who wants reminders, for the unowned incident only");
  });

  it("stores the next reminder when the clock starts or moves, clears it when met, and resumes it when pending again", async () => {
    const owner = await addUser(t, "manager");
    const incident = await addIncident(t, { ownerId: owner.id });
    t.clock.set(at("2016-03-24T01:00:00.000Z"));
    await applyObligations(t.deps, incident.reference, { ruleIds: ["AU-NDB-assess"], extraRuleId: "", browseRuleId: "" }, actor);
    const stored = () => t.db.prisma.obligation.findFirstOrThrow({ where: { incidentId: incident.id } });
    // The incident's aware instant (24 March 10:00 Sydney) starts the 30-day clock: half of it comes first.
    let obligation = await stored();
    assert.deepEqual([obligation.nextReminderSlot, obligation.nextReminderAt], ["half", at("2016-04-08T06:30:00.000Z")]);

    // A recorded event a day later moves the deadline, and the reminder with it.
    t.clock.set(at("2016-03-25T01:00:00.000Z"));
    await recordClockEvent(
      t.deps,
      incident.reference,
      { code: "aware_suspected_breach", at: "2016-03-25 10:00", atZone: "Australia/Sydney", note: "" },
      actor,
    );
    obligation = await stored();
    assert.deepEqual(obligation.dueAt, at("2016-04-24T13:59:59.999Z"));
    assert.deepEqual([obligation.nextReminderSlot, obligation.nextReminderAt], ["half", at("2016-04-09T06:30:00.000Z")]);

    const outcome = { metAt: "", metAtZone: "Australia/Sydney", metHow: "", metReference: "", evidenceNote: "" };
    const status = { ...outcome, notRequiredReason: "", lateReasons: "" };
    await changeObligationStatus(
      t.deps,
      incident.reference,
      obligation.id,
      { ...status, status: "met", metAt: "2016-03-25 11:00", metHow: "Assessed the same day" },
      actor,
    );
    obligation = await stored();
    assert.deepEqual([obligation.nextReminderSlot, obligation.nextReminderAt], [null, null]);
    assert.equal((await sweepAt("2016-04-09T07:00:00.000Z")).candidates, 0);

    // Back to pending after "half" has passed: that latest passed slot is due at once.
    await changeObligationStatus(t.deps, incident.reference, obligation.id, { ...status, status: "pending" }, actor);
    obligation = await stored();
    assert.deepEqual([obligation.nextReminderSlot, obligation.nextReminderAt], ["half", at("2016-04-09T06:30:00.000Z")]);
    assert.equal((await sweepAt("2016-04-09T07:00:00.000Z")).enqueued, 1);
    obligation = await stored();
    assert.deepEqual(
      [obligation.nextReminderSlot, obligation.nextReminderAt],
      ["three-quarters", at("2016-04-16T22:14:59.999Z")],
    );
    assert.equal((await mails()).length, 1);
  });

  it("after downtime sends only the latest passed slot, once, and moves the stored reminder past now", async () => {
    const owner = await addUser(t, "manager");
    const incident = await addIncident(t, { ownerId: owner.id });
    const { id } = await addAssessmentObligation(t.db, incident.id);
    // Down from before "half" until after the deadline: half, three quarters and a day before pass unsent.
    const first = await sweepAt("2016-04-23T15:00:00.000Z");
    assert.deepEqual([first.candidates, first.enqueued, first.skipped], [1, 1, 3]);
    const obligation = await t.db.prisma.obligation.findUniqueOrThrow({ where: { id } });
    assert.deepEqual([obligation.nextReminderSlot, obligation.nextReminderAt], ["overdue-1", at("2016-04-24T13:59:59.999Z")]);
    const again = await sweepAt("2016-04-23T15:01:00.000Z");
    assert.deepEqual([again.candidates, again.enqueued], [0, 0]);
    const sent = await mails();
    assert.equal(sent.length, 1);
    assert.match(sent[0]!.subject, /^OVERDUE: /);
    const keys = (await t.db.prisma.job.findMany({ where: { kind: "reminders.send" } })).map((j) => j.key);
    assert.deepEqual(keys, [`reminder:${id}:due`]);
  });

  it("moves the obligations of a closed incident on without reminding", async () => {
    const owner = await addUser(t, "manager");
    const incident = await addIncident(t, { ownerId: owner.id });
    const { id } = await addAssessmentObligation(t.db, incident.id);
    await t.db.prisma.incident.update({ where: { id: incident.id }, data: { status: "closed" } });
    const result = await sweepAt("2016-04-08T07:00:00.000Z");
    assert.deepEqual([result.candidates, result.enqueued], [1, 0]);
    const obligation = await t.db.prisma.obligation.findUniqueOrThrow({ where: { id } });
    assert.equal(obligation.nextReminderSlot, "three-quarters");
    assert.equal((await mails()).length, 0);
  });

  it("schedules the reminders of a clock a decision started from the decision's instant, through the sweep too", async () => {
    t.clock.set(at("2026-03-02T09:00:00.000Z"));
    const incident = await addIncident(t, { title: "NYDFS breach", timeZone: "America/New_York", awareAt: "2026-03-01 08:00" });
    const actor = { userId: null, label: "test", ip: null };
    await applyObligations(
      t.deps,
      incident.reference,
      { ruleIds: ["US-NY-DFS-500.17"], extraRuleId: "", browseRuleId: "" },
      actor,
    );
    await recordDecision(
      t.deps,
      incident.reference,
      {
        isNotifiable: true,
        regimes: ["US-NY-DFS"],
        rationale: "A cybersecurity event.",
        decidedAt: "2026-03-02 03:00",
        materiality: null,
      },
      actor,
    );
    const started = await t.db.prisma.obligation.findFirstOrThrow({ where: { incidentId: incident.id } });
    assert.equal(started.clockStartedAt?.toISOString(), "2026-03-02T08:00:00.000Z");
    assert.equal(started.dueAt?.toISOString(), "2026-03-05T08:00:00.000Z");
    assert.deepEqual([started.nextReminderSlot, started.nextReminderAt?.toISOString()], ["half", "2026-03-03T20:00:00.000Z"]);
    // The sweep sends the half slot and stores the next one from the stored start: three quarters.
    await sweepAt("2026-03-03T20:00:00.000Z");
    const moved = await t.db.prisma.obligation.findFirstOrThrow({ where: { incidentId: incident.id } });
    assert.deepEqual(
      [moved.nextReminderSlot, moved.nextReminderAt?.toISOString()],
      ["three-quarters", "2026-03-04T14:00:00.000Z"],
    );
  });

  it("sends each user's digest once per local day at their hour, most urgent first", async () => {
    await t.db.prisma.user.updateMany({ data: { remindersEnabled: false, digestHour: null } });
    const reader = await addUser(t, "manager", "digest@linux.org.au");
    await t.db.prisma.user.update({ where: { id: reader.id }, data: { timeZone: "Australia/Sydney", digestHour: 8 } });
    const later = await addIncident(t, { ownerId: reader.id, title: "Later" });
    await addAssessmentObligation(t.db, later.id, at("2016-03-30T23:00:00.000Z"));
    const sooner = await addIncident(t, { ownerId: reader.id, title: "Sooner" });
    await addAssessmentObligation(t.db, sooner.id);
    // A rule whose clock waits for the statement: listed as waiting, with the fact it waits for.
    await applyObligations(
      t.deps,
      sooner.reference,
      { ruleIds: ["AU-NDB-individuals"], extraRuleId: "", browseRuleId: "" },
      {
        userId: null,
        label: "test",
        ip: null,
      },
    );

    // 07:59 in Sydney: not yet. 08:00: scheduled; 08:05: not again.
    t.clock.set(at("2016-04-10T21:59:00.000Z"));
    assert.equal(await sweepDigests(t.db, t.clock.now()), 0);
    t.clock.set(at("2016-04-10T22:00:00.000Z"));
    assert.equal(await sweepDigests(t.db, t.clock.now()), 1);
    t.clock.set(at("2016-04-10T22:05:00.000Z"));
    assert.equal(await sweepDigests(t.db, t.clock.now()), 0);
    while ((await dispatcher.runOnce()) > 0) {}
    const sent = await mails();
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.subject, "Breachdesk deadlines for 2016-04-11: 2 pending, 1 waiting for their clock");
    const text = sent[0]!.text ?? "";
    assert.match(
      text,
      /AU-NDB-individuals\), [^\n]*\n {2}waiting for: the statement to the regulator marked prepared \(statement_prepared\)/,
    );
    assert.ok(text.indexOf(sooner.reference) < text.indexOf(later.reference), text);
    assert.match(sent[0]!.messageId, /^<digest\.[0-9a-f]{32}@breachdesk>$/);
    assert.equal(
      (await t.db.prisma.job.findMany({ where: { kind: "reminders.digest" } }))[0]?.key,
      `digest:${reader.id}:2016-04-11`,
    );
  });
});
