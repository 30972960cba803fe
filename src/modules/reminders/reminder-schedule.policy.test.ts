import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_OVERDUE_REMINDERS, nextReminder } from "./reminder.policy.js";
import { clockStartOf, nextReminderFor } from "./reminder-schedule.policy.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const start = new Date("2026-03-02T09:00:00.000Z");
const after = (ms: number) => new Date(start.getTime() + ms);
/** A 72-hour clock: half at 36 h, three quarters at 54 h, 6 h before at 66 h, due at 72 h, then daily. */
const window = { startAt: start, dueAt: after(72 * HOUR) };
const text = (r: { slot: string; at: Date } | null) => (r ? `${r.slot}@${r.at.toISOString()}` : null);

describe("next reminder", () => {
  it("from the start of the clock, is the first slot", () => {
    assert.equal(text(nextReminder(window, { now: null })), "half@2026-03-03T21:00:00.000Z");
    assert.equal(text(nextReminder(window, { now: start })), "half@2026-03-03T21:00:00.000Z");
  });

  it("when scheduled at now, is the latest passed slot (sent unless already sent), else the next one", () => {
    assert.equal(text(nextReminder(window, { now: after(36 * HOUR - 1) })), "half@2026-03-03T21:00:00.000Z");
    assert.equal(text(nextReminder(window, { now: after(60 * HOUR) })), "three-quarters@2026-03-04T15:00:00.000Z");
    assert.equal(text(nextReminder(window, { now: after(72 * HOUR + 3 * DAY + HOUR) })), "overdue-3@2026-03-08T09:00:00.000Z");
  });

  it("after a handled slot, is the next slot after now, skipping those passed while down", () => {
    assert.equal(
      text(nextReminder(window, { now: after(36 * HOUR), handled: "half" })),
      "three-quarters@2026-03-04T15:00:00.000Z",
    );
    // Swept late, at the deadline: "due" handled, the next is the first overdue day.
    assert.equal(text(nextReminder(window, { now: after(72 * HOUR), handled: "due" })), "overdue-1@2026-03-06T09:00:00.000Z");
    // A slot that is no longer in the window (here the clock start became unknown): the first slot after now.
    assert.equal(
      text(nextReminder({ startAt: null, dueAt: window.dueAt }, { now: after(40 * HOUR), handled: "half" })),
      "hours-before@2026-03-04T09:00:00.000Z",
    );
  });

  it("stops at the caps: none after the last overdue reminder, none for a deadline long past", () => {
    assert.equal(
      nextReminder(window, { now: after(72 * HOUR + MAX_OVERDUE_REMINDERS * DAY), handled: `overdue-${MAX_OVERDUE_REMINDERS}` }),
      null,
    );
    // Scheduled 20 days after the deadline (beyond the 15 the sweep reaches): nothing is left.
    assert.equal(nextReminder(window, { now: after(72 * HOUR + 20 * DAY) }), null);
    // Never more than 30 days ahead: a 90-day clock starts with three quarters, 22.5 days before.
    const long = { startAt: start, dueAt: after(90 * DAY) };
    assert.equal(nextReminder(long, { now: start })?.slot, "three-quarters");
  });

  it("is stored only for a pending obligation with a due instant", () => {
    const dueAt = window.dueAt;
    assert.deepEqual(nextReminderFor({ status: "pending", dueAt }, start, { now: start }), {
      nextReminderAt: new Date("2026-03-03T21:00:00.000Z"),
      nextReminderSlot: "half",
    });
    for (const status of ["met", "not_required", "late"]) {
      assert.deepEqual(nextReminderFor({ status, dueAt }, start, { now: start }), {
        nextReminderAt: null,
        nextReminderSlot: null,
      });
    }
    assert.deepEqual(nextReminderFor({ status: "pending", dueAt: null }, null, { now: start }), {
      nextReminderAt: null,
      nextReminderSlot: null,
    });
    // Without a known clock start, the fractions are skipped: a day before comes first.
    assert.equal(nextReminderFor({ status: "pending", dueAt }, null, { now: start }).nextReminderSlot, "hours-before");
  });

  it("finds the clock start among the incident's events by the terms' trigger code", () => {
    const terms = JSON.stringify({ trigger: { code: "awareness" } });
    const events = [
      { code: "detection", at: after(-DAY) },
      { code: "awareness", at: start },
    ];
    assert.deepEqual(clockStartOf({ terms }, events), start);
    assert.equal(clockStartOf({ terms }, events.slice(0, 1)), null);
  });
});
