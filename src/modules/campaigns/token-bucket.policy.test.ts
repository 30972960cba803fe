import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TokenBucket } from "./token-bucket.policy.js";

/** A monotonic time that moves only when told to, and a sleep that moves it. */
function fakeTime() {
  let now = 0;
  return {
    read: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("TokenBucket", () => {
  it("lets a full second's burst through, then one message per 1/rate", () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ perSecond: 4, perHour: 0 }, time.read);
    assert.deepEqual([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()], [0, 0, 0, 0]);
    assert.equal(bucket.tryTake(), 250, "empty: the next token comes in a quarter second");
    time.advance(100);
    assert.equal(bucket.tryTake(), 150);
    time.advance(150);
    assert.equal(bucket.tryTake(), 0);
    assert.equal(bucket.tryTake(), 250);
  });

  it("never holds more than its capacity, however long it waits", () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ perSecond: 2, perHour: 0 }, time.read);
    time.advance(60_000);
    assert.deepEqual([bucket.tryTake(), bucket.tryTake()], [0, 0]);
    assert.ok(bucket.tryTake() > 0);
  });

  it("keeps to the hourly limit when it is the tighter one", () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ perSecond: 100, perHour: 3 }, time.read);
    assert.deepEqual([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()], [0, 0, 0]);
    assert.equal(bucket.tryTake(), 1_200_000, "the hour's next token comes after 20 minutes");
    time.advance(1_200_000);
    assert.equal(bucket.tryTake(), 0);
  });

  it("takes from neither layer when one is empty", () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ perSecond: 1, perHour: 2 }, time.read);
    assert.equal(bucket.tryTake(), 0);
    assert.equal(bucket.tryTake(), 1000, "the second is used up");
    time.advance(1000);
    assert.equal(bucket.tryTake(), 0, "the hour still had one token, untouched by the refusal");
    time.advance(1000);
    const waitMs = bucket.tryTake();
    assert.ok(Math.abs(waitMs - 1_798_000) <= 1, `the hour is empty: ${waitMs} ms to wait, about 30 minutes less the 2 s`);
  });

  it("paces take() at the rate: 10 messages at 5 per second take 1 second after the burst", async () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ perSecond: 5, perHour: 0 }, time.read);
    for (let i = 0; i < 15; i++) await bucket.take(time.sleep);
    assert.equal(time.read(), 2000);
  });

  it("has no limit when both limits are 0", () => {
    const bucket = new TokenBucket({ perSecond: 0, perHour: 0 }, () => 0);
    for (let i = 0; i < 10_000; i++) assert.equal(bucket.tryTake(), 0);
  });

  it("stops waiting when the signal aborts", async () => {
    const time = fakeTime();
    const bucket = new TokenBucket({ perSecond: 1, perHour: 0 }, time.read);
    await bucket.take(time.sleep);
    const controller = new AbortController();
    controller.abort(new Error("stopping"));
    await assert.rejects(bucket.take(time.sleep, controller.signal), /stopping/);
  });
});
