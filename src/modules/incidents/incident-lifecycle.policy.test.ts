import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  allowedTransitions,
  canPropose,
  checkTransition,
  incidentStatuses,
  offeredTransitions,
} from "./incident-lifecycle.policy.js";

const noFacts = { hasContainedAt: false, reason: "", latestDecision: null };

describe("incident lifecycle", () => {
  it("walks the whole path: detected, investigating, contained, assessing, notifying, closed", () => {
    const path = ["detected", "investigating", "contained", "assessing", "notifying", "closed"] as const;
    for (let i = 0; i < path.length - 1; i++) {
      const facts = { hasContainedAt: true, reason: "", latestDecision: { isNotifiable: true } };
      const result = checkTransition(path[i]!, path[i + 1]!, facts);
      assert.deepEqual(result.problems, {}, `${path[i]} -> ${path[i + 1]}`);
    }
  });

  it("refuses moves that are not in the table, saying where the incident can go", () => {
    const result = checkTransition("detected", "closed", noFacts);
    assert.equal(result.transition, null);
    assert.match(
      result.problems.to ?? "",
      /cannot move to "closed"\. It can move to: Investigating, Assessing, Contained, Notifying, Closed: not notifiable/,
    );
    assert.ok(checkTransition("closed", "notifying", noFacts).problems.to);
    assert.ok(checkTransition("notifying", "assessing", noFacts).problems.to);
  });

  it("asks for the containment instant when marking contained", () => {
    assert.deepEqual(checkTransition("investigating", "contained", noFacts).problems, {
      containedAt: "Enter when the breach was contained.",
    });
    assert.deepEqual(checkTransition("investigating", "contained", { ...noFacts, hasContainedAt: true }).problems, {});
  });

  it("needs a notifiable decision to notify, and a not-notifiable one to close as not notifiable", () => {
    assert.match(checkTransition("assessing", "notifying", noFacts).problems.to ?? "", /notifiable before notifying/);
    assert.match(
      checkTransition("assessing", "notifying", { ...noFacts, latestDecision: { isNotifiable: false } }).problems.to ?? "",
      /notifiable before notifying/,
    );
    assert.deepEqual(
      checkTransition("assessing", "notifying", { ...noFacts, latestDecision: { isNotifiable: true } }).problems,
      {},
    );
    for (const from of ["detected", "investigating", "contained", "assessing"] as const) {
      assert.match(checkTransition(from, "closed_not_notifiable", noFacts).problems.to ?? "", /not notifiable/);
      assert.deepEqual(
        checkTransition(from, "closed_not_notifiable", { ...noFacts, latestDecision: { isNotifiable: false } }).problems,
        {},
      );
    }
  });

  it("reopens closed incidents with a reason, back to investigating", () => {
    for (const from of ["closed", "closed_not_notifiable"] as const) {
      assert.deepEqual(checkTransition(from, "investigating", noFacts).problems, { reason: "Say why, for the timeline." });
      assert.deepEqual(checkTransition(from, "investigating", { ...noFacts, reason: "new evidence" }).problems, {});
    }
  });

  it("offers every status at least one way out, and reaches every status from detected", () => {
    const reached = new Set<string>(["detected"]);
    let frontier = ["detected"] as (typeof incidentStatuses)[number][];
    while (frontier.length) {
      frontier = frontier.flatMap((s) => allowedTransitions(s).map((t) => t.to)).filter((s) => !reached.has(s));
      for (const s of frontier) reached.add(s);
    }
    assert.deepEqual([...reached].sort(), [...incidentStatuses].sort());
    for (const status of incidentStatuses) assert.ok(allowedTransitions(status).length > 0, status);
  });
});

describe("what the work may propose, and what is offered", () => {
  it("proposes only moves a manager can accept as they stand", () => {
    assert.equal(canPropose("detected", "assessing", { latestDecision: null }), true);
    assert.equal(canPropose("assessing", "notifying", { latestDecision: null }), false);
    assert.equal(canPropose("assessing", "notifying", { latestDecision: { isNotifiable: true } }), true);
    assert.equal(canPropose("notifying", "closed", { latestDecision: { isNotifiable: true } }), true);
    // Reopening needs a reason: never proposed.
    assert.equal(canPropose("closed", "investigating", { latestDecision: null }), false);
  });

  it("offers Close: not notifiable only with a not-notifiable decision, and says why otherwise", () => {
    const without = offeredTransitions("investigating", { latestDecision: null }).find((t) => t.to === "closed_not_notifiable");
    assert.match(without?.blockedBecause ?? "", /Record a decision that the breach is not notifiable/);
    const withIt = offeredTransitions("investigating", { latestDecision: { isNotifiable: false } }).find(
      (t) => t.to === "closed_not_notifiable",
    );
    assert.equal(withIt?.blockedBecause, null);
  });
});
