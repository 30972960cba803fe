import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AXIS_WIDTH, layoutClockAxis, roughSpan } from "./clock-axis.policy.js";

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
    assert.deepEqual(layout.breaks, []);
  });

  it("does not pile a ten-year-old breach at the left edge: the long gap is drawn short and marked", () => {
    const layout = layoutClockAxis({
      now,
      events: [
        { label: "detected", at: new Date("2016-03-21T22:00:00Z"), title: "", when: "2016-03-22" },
        { label: "aware", at: new Date("2016-03-23T23:00:00Z"), title: "", when: "2016-03-24" },
      ],
      deadlines: [
        { label: "AU-NDB-assess OVERDUE", at: new Date("2016-04-23T13:59:59Z"), title: "", isOverdue: true, when: "2016-04-23" },
      ],
    });
    assert.ok(layout);
    const [detected, aware, assess] = layout.marks;
    assert.ok(detected && aware && assess);
    // Two days apart in 2016 are still far apart on the axis, though ten years follow.
    assert.ok(aware.x - detected.x > 40, `${aware.x - detected.x}`);
    assert.ok(assess.x - layout.left > (layout.right - layout.left) * 0.3, `${assess.x}`);
    assert.deepEqual(
      layout.breaks.map((b) => b.label),
      ["1 month", "9 years"],
    );
    assert.equal(assess.label, "AU-NDB-assess OVERDUE · 2016-04-23");
  });

  it("keeps every label inside the drawing, on the side where it fits", () => {
    const deadlines = ["EU-GDPR-33 due", "EU-NIS2-notification due", "GB-UKGDPR-33 due"].map((label) => ({
      label,
      at: new Date("2026-03-03T17:00:00Z"),
      title: "",
      isOverdue: false,
      when: "2026-03-03",
    }));
    const layout = layoutClockAxis({
      now,
      events: [{ label: "aware", at: new Date("2026-02-28T17:00:00Z"), title: "" }],
      deadlines,
    });
    assert.ok(layout);
    for (const m of layout.marks) {
      const width = m.label.length * 7.4;
      const [from, to] = m.anchor === "start" ? [m.labelX, m.labelX + width] : [m.labelX - width, m.labelX];
      assert.ok(from >= 0 && to <= AXIS_WIDTH, `${m.label}: ${from}..${to}`);
    }
    assert.equal(new Set(layout.marks.map((m) => m.y)).size, layout.marks.length);
  });

  it("says a long span in round words", () => {
    assert.equal(roughSpan(3 * 3_600_000), "3 hours");
    assert.equal(roughSpan(10 * 86_400_000), "1 week");
    assert.equal(roughSpan(3650 * 86_400_000), "9 years");
  });
});
