import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { endOfDayIn } from "../../lib/instants.js";
import { compareActions, completedAtAfter, isCalendarDay, isOverdue } from "./action-status.policy.js";
import { actionSchema } from "./actions.schemas.js";

describe("isOverdue", () => {
  // Due 2026-03-03 in Sydney (AEDT, UTC+11) ends at 2026-03-03T12:59:59.999Z.
  const dueAt = endOfDayIn("2026-03-03", "Australia/Sydney");

  it("is false until the end of the due day in the incident's zone has passed", () => {
    assert.equal(dueAt.toISOString(), "2026-03-03T12:59:59.999Z");
    assert.equal(isOverdue({ status: "open", dueAt }, new Date("2026-03-03T12:59:59.999Z")), false);
    assert.equal(isOverdue({ status: "open", dueAt }, new Date("2026-03-03T13:00:00Z")), true);
    assert.equal(isOverdue({ status: "in_progress", dueAt }, new Date("2026-03-10T00:00:00Z")), true);
  });

  it("is never true for finished actions or actions without a due day", () => {
    const late = new Date("2026-04-01T00:00:00Z");
    assert.equal(isOverdue({ status: "done", dueAt }, late), false);
    assert.equal(isOverdue({ status: "cancelled", dueAt }, late), false);
    assert.equal(isOverdue({ status: "open", dueAt: null }, late), false);
  });
});

describe("completedAtAfter", () => {
  const now = new Date("2026-03-05T10:00:00Z");
  const earlier = new Date("2026-03-04T08:00:00Z");

  it("records now when an action becomes done, and keeps the first instant when it stays done", () => {
    assert.equal(completedAtAfter(null, "done", now), now);
    assert.equal(completedAtAfter({ status: "open", completedAt: null }, "done", now), now);
    assert.equal(completedAtAfter({ status: "done", completedAt: earlier }, "done", now), earlier);
  });

  it("clears it when an action is reopened or cancelled", () => {
    assert.equal(completedAtAfter({ status: "done", completedAt: earlier }, "open", now), null);
    assert.equal(completedAtAfter({ status: "open", completedAt: null }, "cancelled", now), null);
  });
});

describe("due dates", () => {
  it("accepts only real calendar days written YYYY-MM-DD", () => {
    assert.equal(isCalendarDay("2026-03-31"), true);
    assert.equal(isCalendarDay("2028-02-29"), true);
    assert.equal(isCalendarDay("2026-02-30"), false);
    assert.equal(isCalendarDay("31/03/2026"), false);
    assert.equal(isCalendarDay("2026-3-1"), false);
  });

  it("the form schema treats an empty due date and owner as none, and defaults the status to open", () => {
    const parsed = actionSchema.parse({ title: "  Deploy log analysis ", ownerId: "", dueOn: "" });
    assert.deepEqual(parsed, {
      title: "Deploy log analysis",
      ownerId: null,
      dueOn: null,
      status: "open",
      notes: "",
      isPublic: false,
    });
    assert.equal(actionSchema.safeParse({ title: "x", dueOn: "2026-02-30" }).success, false);
    assert.equal(actionSchema.safeParse({ title: "x", status: "finished" }).success, false);
  });
});

describe("compareActions", () => {
  const at = (iso: string) => new Date(iso);
  const base = { createdAt: at("2026-03-01T00:00:00Z"), updatedAt: at("2026-03-01T00:00:00Z") };

  it("lists pending actions soonest due first, undated after them, finished ones last", () => {
    const actions = [
      { id: "done", status: "done", dueAt: at("2026-03-01T00:00:00Z"), ...base },
      { id: "undated", status: "open", dueAt: null, ...base },
      { id: "later", status: "in_progress", dueAt: at("2026-03-20T00:00:00Z"), ...base },
      { id: "sooner", status: "open", dueAt: at("2026-03-03T00:00:00Z"), ...base },
    ];
    assert.deepEqual(
      actions.sort(compareActions).map((a) => a.id),
      ["sooner", "later", "undated", "done"],
    );
  });
});
