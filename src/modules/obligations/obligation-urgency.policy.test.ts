import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareUrgency, describeSpan, describeTimeLeft } from "./obligation-urgency.policy.js";

const now = new Date("2026-03-02T09:00:00Z");
const at = (hours: number) => new Date(now.getTime() + hours * 3_600_000);

describe("time left, in words", () => {
  it("says days and hours left", () => {
    assert.deepEqual(describeTimeLeft(at(52), now), { isOverdue: false, text: "2 days 4 hours left" });
  });

  it("says OVERDUE in capitals with how long", () => {
    assert.deepEqual(describeTimeLeft(at(-5), now), { isOverdue: true, text: "OVERDUE by 5 hours" });
  });

  it("treats due exactly now as overdue", () => {
    assert.equal(describeTimeLeft(now, now).isOverdue, true);
  });

  it("uses minutes under an hour and singular words", () => {
    assert.equal(describeSpan(61 * 60_000), "1 hour 1 minute");
    assert.equal(describeSpan(25 * 60_000), "25 minutes");
    assert.equal(describeSpan(20_000), "less than a minute");
    assert.equal(describeSpan(24 * 3_600_000), "1 day");
  });
});

describe("urgency order", () => {
  it("puts overdue first, then nearest, then no instant, then done", () => {
    const items = [
      { name: "met", status: "met", urgentAt: at(-100) },
      { name: "waiting", status: "pending", urgentAt: null },
      { name: "later", status: "pending", urgentAt: at(48) },
      { name: "soon", status: "pending", urgentAt: at(2) },
      { name: "overdue-late", status: "late", urgentAt: at(-2) },
      { name: "overdue-most", status: "pending", urgentAt: at(-30) },
      { name: "not-required", status: "not_required", urgentAt: at(1) },
    ];
    const names = items.sort(compareUrgency(now)).map((i) => i.name);
    assert.deepEqual(names, ["overdue-most", "overdue-late", "soon", "later", "waiting", "met", "not-required"]);
  });
});
