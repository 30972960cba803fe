import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeDuration, describeImportProgress } from "./import-progress.policy.js";

const T0 = new Date("2026-03-02T09:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const record = (fields: Partial<Parameters<typeof describeImportProgress>[0]> = {}) => ({
  status: "running",
  rowsRead: 0,
  bytesRead: BigInt(0),
  fileBytes: BigInt(1_000_000),
  startedAt: T0,
  updatedAt: T0,
  finishedAt: null,
  ...fields,
});

describe("import progress", () => {
  it("says nothing of rate or time before the first batch", () => {
    const view = describeImportProgress(record({ status: "queued", startedAt: null }), at(5));
    assert.deepEqual(view, {
      bytesRead: 0,
      fileBytes: 1_000_000,
      percent: null,
      rowsPerSecond: null,
      timeLeft: null,
      took: null,
    });
    const started = describeImportProgress(record(), at(5));
    assert.equal(started.rowsPerSecond, null);
    assert.equal(started.timeLeft, null);
  });

  it("gives the rate in rows per second and the time left from the bytes still to read", () => {
    // A quarter of the file in 20 s: 60 s to go as of that batch, 5 s ago.
    const view = describeImportProgress(record({ rowsRead: 50_000, bytesRead: BigInt(250_000), updatedAt: at(20) }), at(25));
    assert.equal(view.rowsPerSecond, 2500);
    assert.equal(view.percent, 25);
    assert.equal(view.bytesRead, 250_000);
    assert.equal(view.timeLeft, "55 seconds");
    assert.equal(view.took, null);
  });

  it("counts down to zero between batches and never below", () => {
    const view = describeImportProgress(record({ rowsRead: 10, bytesRead: BigInt(900_000), updatedAt: at(90) }), at(200));
    assert.equal(view.timeLeft, "0 seconds");
  });

  it("says how long a finished import took, with its average rate and the whole file read", () => {
    const view = describeImportProgress(
      record({ status: "completed", rowsRead: 600_000, bytesRead: BigInt(999_000), updatedAt: at(300), finishedAt: at(300) }),
      at(400),
    );
    assert.deepEqual(view, {
      bytesRead: 1_000_000,
      fileBytes: 1_000_000,
      percent: 100,
      rowsPerSecond: 2000,
      timeLeft: null,
      took: "about 5 minutes",
    });
  });

  it("puts durations in words", () => {
    assert.equal(describeDuration(1000), "1 second");
    assert.equal(describeDuration(59_400), "59 seconds");
    assert.equal(describeDuration(60_000), "about 1 minute");
    assert.equal(describeDuration(89 * 60_000), "about 89 minutes");
    assert.equal(describeDuration(2 * 3_600_000 + 60_000), "about 2 hours 1 minute");
    assert.equal(describeDuration(3 * 3_600_000), "about 3 hours");
    assert.equal(describeDuration(-5), "0 seconds");
  });
});
