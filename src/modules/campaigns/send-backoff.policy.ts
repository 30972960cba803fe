const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;

/** A 4xx answer: the server is there and said "later" (greylisting, a full queue, a rate limit). */
const ANSWER_FIRST_MS = MINUTE_MS;
const ANSWER_CAP_MS = 60 * MINUTE_MS;
/** No answer at all (refused, reset, timed out): the relay may be back in seconds. */
const CONNECTION_FIRST_MS = 15 * SECOND_MS;
const CONNECTION_CAP_MS = 15 * MINUTE_MS;
/** How long the sender stops claiming after connection errors in a row. */
const TRANSPORT_FIRST_MS = 500;
const TRANSPORT_CAP_MS = 30 * SECOND_MS;

export type TransientKind = "answer" | "connection";

function doubling(firstMs: number, capMs: number, times: number): number {
  return Math.min(capMs, firstMs * 2 ** Math.min(30, Math.max(0, times - 1)));
}

/**
 * How long a delivery waits after its `attempts`-th try failed for a passing reason: a 4xx
 * answer waits 1 minute, doubling up to an hour; a connection error 15 seconds, doubling up to
 * 15 minutes. No jitter: the transport pause below already spreads a relay's comeback.
 */
export function retryDelayMs(attempts: number, kind: TransientKind): number {
  return kind === "answer"
    ? doubling(ANSWER_FIRST_MS, ANSWER_CAP_MS, attempts)
    : doubling(CONNECTION_FIRST_MS, CONNECTION_CAP_MS, attempts);
}

/**
 * How long a sender waits before claiming again after `consecutive` connection errors with no
 * success between them: half a second, doubling up to 30 seconds, so a relay that is down is
 * probed gently and sending resumes soon after it is back.
 */
export function transportPauseMs(consecutive: number): number {
  return consecutive < 1 ? 0 : doubling(TRANSPORT_FIRST_MS, TRANSPORT_CAP_MS, consecutive);
}
