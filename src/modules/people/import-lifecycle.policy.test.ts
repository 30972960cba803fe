import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importStatuses, importStatusesFrom, isImportWriting, planImportTransition } from "./import-lifecycle.policy.js";

describe("import lifecycle", () => {
  it("moves an upload through queued and running to its end", () => {
    assert.equal(planImportTransition("uploaded", "queue"), "queued");
    assert.equal(planImportTransition("queued", "run"), "running");
    assert.equal(planImportTransition("running", "finish", "failed"), "failed");
    assert.equal(planImportTransition("cancelling", "finish", "cancelled"), "cancelled");
    assert.equal(planImportTransition("queued", "fail_to_start"), "failed");
  });

  it("cancels at once before a run, after the batch during one; a take-over of a cancelling import ends it", () => {
    assert.equal(planImportTransition("uploaded", "cancel"), "cancelled");
    assert.equal(planImportTransition("queued", "cancel"), "cancelled");
    assert.equal(planImportTransition("running", "cancel"), "cancelling");
    assert.equal(planImportTransition("running", "take_over"), "running");
    assert.equal(planImportTransition("cancelling", "take_over"), "cancelled");
  });

  it("refuses every move the table does not allow, naming the status", () => {
    for (const from of importStatuses) {
      for (const action of ["queue", "run", "take_over", "cancel", "finish", "fail_to_start"] as const) {
        if (importStatusesFrom(action).includes(from)) continue;
        assert.throws(() => planImportTransition(from, action), new RegExp(`that is ${from} cannot`));
      }
    }
    assert.deepEqual(importStatusesFrom("finish"), ["running", "cancelling"]);
    assert.deepEqual(
      importStatuses.filter((s) => isImportWriting(s)),
      ["queued", "running", "cancelling"],
    );
  });
});
