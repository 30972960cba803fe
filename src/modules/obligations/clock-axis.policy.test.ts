import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { layoutClockAxis } from "./clock-axis.policy.js";

describe("the clocks' time axis", () => {
  const now = new Date("2026-03-02T09:00:00Z");

  it("shows nothing without events or deadlines", () => {
    assert.equal(layoutClockAxis({ now, events: [], deadlines: [] }), null);
  });

  it("places events and deadlines in time order, one row each, inside the width", () => {
    const layout = layoutClockAxis({
      now,
      events: [{ label: "Aware", at: new Date("2026-02-27T09:00:00Z"), title: "aware" }],
      deadlines: [{ label: "GDPR 33", at: new Date("2026-03-02T09:00:00Z"), title: "due", isOverdue: true }],
    });
    assert.ok(layout);
    assert.deepEqual(
      layout.marks.map((m) => [m.label, m.kind]),
      [
        ["Aware", "event"],
        ["GDPR 33", "overdue"],
      ],
    );
    const [first, second] = layout.marks;
    assert.ok(first && second && first.x < second.x && first.y < second.y);
    assert.ok(layout.marks.every((m) => m.x >= layout.left && m.x <= layout.right));
    assert.equal(second.anchor, "end");
    assert.ok(Math.abs(layout.nowX - second.x) < 0.001);
  });
});
