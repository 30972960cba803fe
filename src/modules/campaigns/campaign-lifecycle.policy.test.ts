import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppError } from "../../lib/errors.js";
import {
  availableActions,
  type CampaignAction,
  type CampaignState,
  type CampaignStatus,
  campaignActions,
  campaignStatuses,
  planCampaignTransition,
} from "./campaign-lifecycle.policy.js";

const now = new Date("2026-03-02T09:00:00Z");
const later = new Date("2026-03-02T12:00:00Z");

function campaign(status: CampaignStatus, fields: Partial<CampaignState> = {}): CampaignState {
  return { status, isApprovalRequired: false, approvedById: null, createdById: "alice", scheduledAt: null, ...fields };
}

function refusalOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AppError && error.code === "conflict", `expected a conflict, got ${error}`);
    return error.message;
  }
  assert.fail("expected a refusal");
}

describe("planCampaignTransition", () => {
  // Where each action leads from each status; "-" is refused. Approval is not required here.
  const table: Record<CampaignAction, Record<CampaignStatus, string>> = {
    approve: { draft: "-", scheduled: "-", sending: "-", paused: "-", completed: "-", cancelled: "-" },
    schedule: { draft: "scheduled", scheduled: "-", sending: "-", paused: "-", completed: "-", cancelled: "-" },
    unschedule: { draft: "-", scheduled: "draft", sending: "-", paused: "-", completed: "-", cancelled: "-" },
    start: { draft: "sending", scheduled: "sending", sending: "-", paused: "-", completed: "-", cancelled: "-" },
    pause: { draft: "-", scheduled: "-", sending: "paused", paused: "-", completed: "-", cancelled: "-" },
    auto_pause: { draft: "-", scheduled: "-", sending: "paused", paused: "-", completed: "-", cancelled: "-" },
    resume: { draft: "-", scheduled: "-", sending: "-", paused: "sending", completed: "-", cancelled: "-" },
    cancel: {
      draft: "cancelled",
      scheduled: "cancelled",
      sending: "cancelled",
      paused: "cancelled",
      completed: "-",
      cancelled: "-",
    },
    complete: { draft: "-", scheduled: "-", sending: "completed", paused: "-", completed: "-", cancelled: "-" },
    retry_failed: { draft: "-", scheduled: "-", sending: "sending", paused: "paused", completed: "sending", cancelled: "-" },
  };

  for (const action of campaignActions) {
    it(`${action}: allowed only from the statuses in the table`, () => {
      for (const status of campaignStatuses) {
        const request = { action, actorId: "bob", now, at: later, retryableCount: 3 };
        const expected = table[action][status];
        if (expected === "-") refusalOf(() => planCampaignTransition(campaign(status), request));
        else assert.equal(planCampaignTransition(campaign(status), request).to, expected, `${action} from ${status}`);
      }
    });
  }

  it("refuses an unknown stored status, naming it", () => {
    assert.match(
      refusalOf(() => planCampaignTransition(campaign("archived" as CampaignStatus), { action: "start", actorId: "bob", now })),
      /archived/,
    );
  });

  it("needs a second manager's approval before a start or a schedule, when the campaign asks for one", () => {
    const needing = campaign("draft", { isApprovalRequired: true });
    assert.match(
      refusalOf(() => planCampaignTransition(needing, { action: "start", actorId: "alice", now })),
      /approval of a second manager/,
    );
    assert.match(
      refusalOf(() => planCampaignTransition(needing, { action: "schedule", actorId: "alice", now, at: later })),
      /approval/,
    );
    assert.match(
      refusalOf(() => planCampaignTransition(needing, { action: "approve", actorId: "alice", now })),
      /not by the one who created it/,
    );
    assert.match(
      refusalOf(() => planCampaignTransition(needing, { action: "approve", actorId: null, now })),
      /signed-in manager/,
    );
    const approval = planCampaignTransition(needing, { action: "approve", actorId: "bob", now });
    assert.deepEqual(approval, { from: "draft", to: "draft", changes: { approvedById: "bob", approvedAt: now } });
    const approved = { ...needing, approvedById: "bob" };
    assert.equal(planCampaignTransition(approved, { action: "start", actorId: "alice", now }).to, "sending");
    assert.match(
      refusalOf(() => planCampaignTransition(approved, { action: "approve", actorId: "carol", now })),
      /approved already/,
    );
  });

  it("refuses an approval nobody asked for", () => {
    assert.match(
      refusalOf(() => planCampaignTransition(campaign("draft"), { action: "approve", actorId: "bob", now })),
      /does not need/,
    );
  });

  it("schedules only for a future instant", () => {
    const draft = campaign("draft");
    assert.match(
      refusalOf(() => planCampaignTransition(draft, { action: "schedule", actorId: "a", now })),
      /Say when/,
    );
    assert.match(
      refusalOf(() => planCampaignTransition(draft, { action: "schedule", actorId: "a", now, at: now })),
      /future/,
    );
    assert.deepEqual(planCampaignTransition(draft, { action: "schedule", actorId: "a", now, at: later }).changes, {
      scheduledAt: later,
    });
  });

  it("records when a campaign starts and finishes, and why it is paused", () => {
    assert.deepEqual(planCampaignTransition(campaign("draft"), { action: "start", actorId: "a", now }).changes, {
      startedAt: now,
      pauseReason: "",
    });
    const paused = planCampaignTransition(campaign("sending"), { action: "auto_pause", actorId: null, now, reason: "errors" });
    assert.deepEqual(paused.changes, { pauseReason: "errors" });
    assert.deepEqual(planCampaignTransition(campaign("paused"), { action: "resume", actorId: "a", now }).changes, {
      pauseReason: "",
    });
    assert.deepEqual(planCampaignTransition(campaign("sending"), { action: "complete", actorId: null, now }).changes, {
      finishedAt: now,
    });
    assert.deepEqual(planCampaignTransition(campaign("paused"), { action: "cancel", actorId: "a", now }).changes, {
      finishedAt: now,
    });
  });

  it("retries failed notices only when some can be retried; a completed campaign sends again", () => {
    assert.match(
      refusalOf(() =>
        planCampaignTransition(campaign("completed"), { action: "retry_failed", actorId: "a", now, retryableCount: 0 }),
      ),
      /No failed notice can be retried/,
    );
    assert.deepEqual(
      planCampaignTransition(campaign("completed"), { action: "retry_failed", actorId: "a", now, retryableCount: 2 }),
      { from: "completed", to: "sending", changes: { finishedAt: null } },
    );
  });
});

describe("availableActions", () => {
  it("offers the creator of a campaign needing approval only what does not need it", () => {
    const needing = campaign("draft", { isApprovalRequired: true });
    assert.deepEqual(availableActions(needing, "alice", now), ["cancel"]);
    assert.deepEqual(availableActions(needing, "bob", now), ["approve", "cancel"]);
    assert.deepEqual(availableActions({ ...needing, approvedById: "bob" }, "alice", now), ["start", "schedule", "cancel"]);
  });

  it("offers pause and cancel while sending, resume and cancel while paused, nothing once finished", () => {
    assert.deepEqual(availableActions(campaign("sending"), "a", now), ["pause", "cancel"]);
    assert.deepEqual(availableActions(campaign("paused"), "a", now), ["resume", "cancel"]);
    assert.deepEqual(availableActions(campaign("scheduled"), "a", now), ["start", "unschedule", "cancel"]);
    assert.deepEqual(availableActions(campaign("completed"), "a", now), []);
    assert.deepEqual(availableActions(campaign("cancelled"), "a", now), []);
  });
});
