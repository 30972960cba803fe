/** Limits of one mail transport; 0 means no limit of that kind. */
export interface SendRateLimits {
  perSecond: number;
  perHour: number;
}

const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;

/** One bucket: holds at most `capacity` tokens and gains `capacity` of them every `periodMs`. */
interface Bucket {
  capacity: number;
  periodMs: number;
  tokens: number;
}

/**
 * A token bucket per transport, in two layers (messages per second and per hour): a message
 * may go when both hold a whole token, and takes one from each. Both start full, so a send may
 * burst up to the per-second capacity and the hour's allowance, then settles at the rates.
 * Time is a monotonic millisecond reading (performance.now by default), not the app's clock:
 * this paces a process, it records nothing.
 */
export class TokenBucket {
  private readonly buckets: Bucket[];
  private last: number;

  constructor(
    limits: SendRateLimits,
    private readonly readMs: () => number = () => performance.now(),
  ) {
    this.buckets = [
      { capacity: limits.perSecond, periodMs: SECOND_MS, tokens: limits.perSecond },
      { capacity: limits.perHour, periodMs: HOUR_MS, tokens: limits.perHour },
    ].filter((b) => b.capacity > 0);
    this.last = readMs();
  }

  /** Takes a token and returns 0, or takes nothing and returns the milliseconds until one is due. */
  tryTake(): number {
    this.refill();
    let waitMs = 0;
    for (const bucket of this.buckets) {
      if (bucket.tokens >= 1) continue;
      waitMs = Math.max(waitMs, Math.ceil(((1 - bucket.tokens) * bucket.periodMs) / bucket.capacity));
    }
    if (waitMs > 0) return waitMs;
    for (const bucket of this.buckets) bucket.tokens -= 1;
    return 0;
  }

  /** Resolves once a token is taken, sleeping as long as tryTake says; rejects when the signal aborts. */
  async take(sleep: (ms: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const waitMs = this.tryTake();
      if (waitMs === 0) return;
      await sleep(waitMs);
    }
  }

  private refill(): void {
    const now = this.readMs();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    for (const bucket of this.buckets) {
      bucket.tokens = Math.min(bucket.capacity, bucket.tokens + (elapsed * bucket.capacity) / bucket.periodMs);
    }
  }
}
