import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorWindow } from "./error-window.policy.js";

describe("ErrorWindow", () => {
  it("judges only a full window", () => {
    const window = new ErrorWindow(4);
    for (let i = 0; i < 3; i++) window.record(true, "451 later");
    assert.equal(window.isOver(0.5), false, "three answers are not yet a window of four");
    window.record(false);
    assert.equal(window.isOver(0.5), true);
    assert.equal(window.isOver(0.8), false);
    assert.equal(window.describe(), "3 of the last 4 answers");
    assert.equal(window.lastError, "451 later");
  });

  it("forgets the oldest answer as a new one comes", () => {
    const window = new ErrorWindow(3);
    window.record(true, "550 a");
    window.record(true, "550 b");
    window.record(false);
    assert.equal(window.isOver(0.6), true);
    window.record(false);
    window.record(false);
    assert.equal(window.isOver(0.3), false, "both errors have slid out");
    assert.equal(window.describe(), "0 of the last 3 answers");
    window.record(true, "554 c");
    assert.equal(window.describe(), "1 of the last 3 answers");
    assert.equal(window.lastError, "554 c");
  });
});
