import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dueReminderAt, MAX_OVERDUE_REMINDERS, type Reminder, reminderJobKey, remindersFor } from "./reminder.policy.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const start = new Date("2026-03-02T09:00:00.000Z");
const after = (ms: number) => new Date(start.getTime() + ms);
const asText = (reminders: Reminder[]) => reminders.map((r) => `${r.slot}@${r.at.toISOString()}`);

describe("reminder policy", () => {
  it("reminds a 72-hour clock at 36 h, 54 h, 6 h before, at the deadline, then daily", () => {
    const reminders = remindersFor({ startAt: start, dueAt: after(72 * HOUR) });
    assert.deepEqual(asText(reminders.slice(0, 6)), [
      "half@2026-03-03T21:00:00.000Z",
      "three-quarters@2026-03-04T15:00:00.000Z",
      "hours-before@2026-03-05T03:00:00.000Z",
      "due@2026-03-05T09:00:00.000Z",
      "overdue-1@2026-03-06T09:00:00.000Z",
      "overdue-2@2026-03-07T09:00:00.000Z",
    ]);
  });

  it("reminds a 30-day clock at 15 days, 22.5 days, a day before and at the deadline", () => {
    const reminders = remindersFor({ startAt: start, dueAt: after(30 * DAY) });
    assert.deepEqual(asText(reminders.slice(0, 4)), [
      "half@2026-03-17T09:00:00.000Z",
      "three-quarters@2026-03-24T21:00:00.000Z",
      "hours-before@2026-03-31T09:00:00.000Z",
      "due@2026-04-01T09:00:00.000Z",
    ]);
  });

  it("stops after the cap of overdue reminders", () => {
    const reminders = remindersFor({ startAt: start, dueAt: after(72 * HOUR) });
    const overdue = reminders.filter((r) => r.slot.startsWith("overdue-"));
    assert.equal(overdue.length, MAX_OVERDUE_REMINDERS);
    assert.equal(overdue.at(-1)?.slot, `overdue-${MAX_OVERDUE_REMINDERS}`);
    assert.equal(reminders.length, 4 + MAX_OVERDUE_REMINDERS);
  });

  it("never reminds before the clock started", () => {
    // A 30-minute clock: the hour-before reminder would come before the clock started.
    const reminders = remindersFor({ startAt: start, dueAt: after(30 * 60_000) });
    for (const r of reminders) assert.ok(r.at >= start, r.slot);
    assert.equal(reminders[0]?.slot, "due");
  });

  it("keeps no two reminders within an hour, dropping the earlier", () => {
    // 3 hours: half at 1h30, an hour before at 2h, three quarters at 2h15, due at 3h.
    const reminders = remindersFor({ startAt: start, dueAt: after(3 * HOUR) });
    assert.deepEqual(
      reminders.slice(0, 3).map((r) => r.slot),
      ["hours-before", "due", "overdue-1"],
    );
    // 6 hours: half at 3h, an hour before at 5h, three quarters at 4h30 (30 min before it: dropped).
    assert.deepEqual(
      remindersFor({ startAt: start, dueAt: after(6 * HOUR) })
        .slice(0, 3)
        .map((r) => r.slot),
      ["half", "hours-before", "due"],
    );
    for (let i = 1; i < reminders.length; i++) {
      assert.ok(reminders[i]!.at.getTime() - reminders[i - 1]!.at.getTime() >= HOUR, reminders[i]!.slot);
    }
  });

  it("reminds a long clock at most 30 days ahead, and without a known start only near the deadline", () => {
    const long = remindersFor({ startAt: start, dueAt: after(90 * DAY) });
    assert.deepEqual(
      long.slice(0, 2).map((r) => r.slot),
      ["three-quarters", "hours-before"],
    );
    const unknownStart = remindersFor({ startAt: null, dueAt: after(30 * DAY) });
    assert.equal(unknownStart[0]?.slot, "hours-before");
    assert.deepEqual(unknownStart[0]?.at, after(29 * DAY));
  });

  it("picks only the latest passed reminder, so a restart sends one and back-fills no overdue day", () => {
    const window = { startAt: start, dueAt: after(72 * HOUR) };
    assert.equal(dueReminderAt(window, after(36 * HOUR - 1)), null);
    assert.equal(dueReminderAt(window, after(36 * HOUR))?.latest.slot, "half");
    const late = dueReminderAt(window, after(72 * HOUR + 3 * DAY + HOUR));
    assert.equal(late?.latest.slot, "overdue-3");
    assert.deepEqual(
      late?.passed.map((r) => r.slot),
      ["half", "three-quarters", "hours-before", "due", "overdue-1", "overdue-2"],
    );
  });

  it("names each slot's job by obligation and slot", () => {
    assert.equal(reminderJobKey("ob-1", "three-quarters"), "reminder:ob-1:three-quarters");
  });
});
