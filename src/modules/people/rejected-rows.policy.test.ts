import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { outstandingRejectedOf, refusalToResolve, rejectedPeopleOf } from "./rejected-rows.policy.js";

describe("rejected rows as people not imported", () => {
  const row = {
    status: "completed",
    rejected: 5,
    reasons: JSON.stringify({ empty_row: 2, no_identity: 3 }),
    rejectedResolution: "",
  };

  it("counts the rejected rows but the empty ones, until they are resolved", () => {
    assert.equal(rejectedPeopleOf(row), 3);
    assert.equal(outstandingRejectedOf(row), 3);
    assert.equal(outstandingRejectedOf({ ...row, rejectedResolution: "dismissed" }), 0);
    assert.equal(outstandingRejectedOf({ ...row, status: "queued" }), 0, "an import that has read nothing");
    assert.equal(outstandingRejectedOf({ ...row, status: "running" }), 3, "a running import's rows so far");
  });

  it("refuses to resolve an unfinished import, one without such rows, or one resolved already", () => {
    assert.equal(refusalToResolve(row), null);
    assert.match(refusalToResolve({ ...row, status: "running" })!, /has not finished/);
    assert.match(refusalToResolve({ ...row, rejected: 2, reasons: '{"empty_row":2}' })!, /no rejected rows/);
    assert.match(refusalToResolve({ ...row, rejectedResolution: "imported" })!, /already resolved/);
  });
});
