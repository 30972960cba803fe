import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addressKey, afterFailure, delayAfter, isForgotten, pairKey, pairPrefix, waitText } from "./login-throttle.policy.js";

const WINDOW = 15 * 60_000;
const at = (seconds: number) => new Date(Date.UTC(2026, 2, 2, 9, 0, seconds));

describe("sign-in throttle rules", () => {
  it("waits nothing below the limit, then 5 seconds doubling up to the cap", () => {
    assert.deepEqual(
      [4, 5, 6, 7, 8, 12, 100].map((failures) => delayAfter(failures, 5, WINDOW)),
      [0, 5_000, 10_000, 20_000, 40_000, 640_000, WINDOW],
    );
  });

  it("counts a failure on the latest one and sets the wait from it", () => {
    let row = afterFailure(null, at(0), WINDOW, 2, WINDOW);
    assert.deepEqual(row, { failures: 1, windowStart: at(0), lockedUntil: null });
    row = afterFailure(row, at(10), WINDOW, 2, WINDOW);
    assert.deepEqual(row, { failures: 2, windowStart: at(10), lockedUntil: at(15) });
    row = afterFailure(row, at(20), WINDOW, 2, WINDOW);
    assert.deepEqual(row, { failures: 3, windowStart: at(20), lockedUntil: at(30) });
  });

  it("forgets a key only after a quiet window following its wait", () => {
    const row = { failures: 9, windowStart: at(0), lockedUntil: at(600) };
    assert.equal(isForgotten(row, at(600 + 900), WINDOW), false);
    assert.equal(isForgotten(row, at(600 + 901), WINDOW), true);
    assert.equal(afterFailure(row, at(600 + 901), WINDOW, 5, WINDOW).failures, 1);
    assert.equal(isForgotten({ failures: 1, windowStart: at(0), lockedUntil: null }, at(901), WINDOW), true);
  });

  it("keys an IPv6 client by its /56 network, and an account's pairs by one prefix", () => {
    assert.equal(addressKey("2001:db8:1:2:3::9"), addressKey("2001:db8:1:ff::1"));
    assert.equal(addressKey("::ffff:127.0.0.1"), "address:127.0.0.1");
    assert.equal(addressKey(null), "address:unknown");
    assert.ok(pairKey("ada@example.org", "10.0.0.1").startsWith(pairPrefix("ada@example.org")));
    assert.ok(!pairKey("ada@example.org.evil", "10.0.0.1").startsWith(pairPrefix("ada@example.org")));
  });

  it("says a wait as a person reads it, rounded up", () => {
    assert.deepEqual([1, 1_000, 4_200, 60_000, 61_000, 15 * 60_000].map(waitText), [
      "1 second",
      "1 second",
      "5 seconds",
      "1 minute",
      "2 minutes",
      "15 minutes",
    ]);
  });
});
