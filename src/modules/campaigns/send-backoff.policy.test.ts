import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { failedOutcome, replyCodeOf, sentOutcome } from "./delivery-outcome.policy.js";
import { retryDelayMs, transportPauseMs } from "./send-backoff.policy.js";

const MINUTE = 60_000;

describe("retryDelayMs", () => {
  it("waits a minute after a first 4xx answer, doubling up to an hour", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => retryDelayMs(n, "answer") / MINUTE),
      [1, 2, 4, 8, 16, 32, 60, 60, 60],
    );
  });

  it("retries a connection error sooner: 15 s doubling up to 15 minutes", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, "connection") / 1000),
      [15, 30, 60, 120, 240, 480, 900],
    );
  });
});

describe("transportPauseMs", () => {
  it("does not wait without connection errors, then waits half a second doubling up to 30 s", () => {
    assert.deepEqual(
      [0, 1, 2, 3, 7, 8, 100].map((n) => transportPauseMs(n)),
      [0, 500, 1000, 2000, 30_000, 30_000, 30_000],
    );
  });
});

/** An error shaped like nodemailer's when the server refuses RCPT TO or DATA. */
function refusal(code: number, text: string) {
  const response = `${code} ${text}`;
  return Object.assign(new Error(`Can't send mail - all recipients were rejected: ${response}`), {
    code: "EENVELOPE",
    responseCode: code,
    response,
  });
}

describe("delivery outcomes", () => {
  const now = new Date("2026-03-02T09:00:00Z");
  const fresh = { id: "d1", attempts: 1, queuedAt: now };
  const window = 48 * 3_600_000;

  it("records a sent message with the server's reply and its code", () => {
    const outcome = sentOutcome(
      fresh,
      { messageId: "<x@y>", accepted: ["a@b"], rejected: [], response: "250 2.0.0 OK: queued as 42" },
      now,
    );
    assert.deepEqual(outcome, {
      kind: "sent",
      result: { id: "d1", status: "sent", at: now, smtpCode: 250, smtpResponse: "250 2.0.0 OK: queued as 42" },
    });
  });

  for (const code of [421, 450, 451, 452, 454]) {
    it(`queues again after a ${code} answer, a minute later on the first try, keeping the answer`, () => {
      const { kind, result } = failedOutcome(fresh, refusal(code, "4.7.1 Try again later"), now, window);
      assert.equal(kind, "answer_error");
      assert.deepEqual(result, {
        id: "d1",
        status: "queued",
        at: now,
        smtpCode: code,
        smtpResponse: `${code} 4.7.1 Try again later`,
        nextAttemptAt: new Date(now.getTime() + MINUTE),
      });
    });
  }

  it("fails for good on a 5xx answer, with the server's words only", () => {
    const { kind, result } = failedOutcome(fresh, refusal(550, "5.1.1 <gone@example.org>: no such user"), now, window);
    assert.equal(kind, "answer_error");
    assert.deepEqual(result, {
      id: "d1",
      status: "failed",
      at: now,
      smtpCode: 550,
      smtpResponse: "550 5.1.1 <gone@example.org>: no such user",
    });
  });

  it("queues again after a connection error, with the error's words and no code", () => {
    const error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:2525"), { code: "ESOCKET", command: "CONN" });
    const { kind, result } = failedOutcome({ ...fresh, attempts: 2 }, error, now, window);
    assert.equal(kind, "connection_error");
    assert.deepEqual(result, {
      id: "d1",
      status: "queued",
      at: now,
      smtpCode: null,
      smtpResponse: "connect ECONNREFUSED 127.0.0.1:2525",
      nextAttemptAt: new Date(now.getTime() + 30_000),
    });
  });

  it("fails a message the mailer refuses before sending, not counting it as the server's answer", () => {
    const error = Object.assign(new Error("No recipients defined"), { code: "EENVELOPE" });
    const { kind, result } = failedOutcome(fresh, error, now, window);
    assert.equal(kind, "refused");
    assert.equal(result.status, "failed");
  });

  it("gives up on passing failures once the retry window since queueing has passed", () => {
    const queuedAt = new Date(now.getTime() - window);
    const { result } = failedOutcome({ id: "d1", attempts: 9, queuedAt }, refusal(451, "4.3.0 Later"), now, window);
    assert.equal(result.status, "failed");
    assert.equal(
      result.status === "failed" && result.smtpResponse,
      "Gave up after 9 tries in 48 hours; the last answer: 451 4.3.0 Later",
    );
    const early = failedOutcome(
      { id: "d1", attempts: 9, queuedAt: new Date(queuedAt.getTime() + 1) },
      refusal(451, "x"),
      now,
      window,
    );
    assert.equal(early.result.status, "queued");
    const first = failedOutcome({ id: "d1", attempts: 1, queuedAt }, refusal(451, "x"), now, window);
    assert.equal(first.result.status, "queued", "a delivery tried once is always tried again");
  });

  it("reads reply codes only at the start of a reply", () => {
    assert.equal(replyCodeOf("250 OK"), 250);
    assert.equal(replyCodeOf("250-PIPELINING"), 250);
    assert.equal(replyCodeOf("Kept as 250"), null);
    assert.equal(replyCodeOf(""), null);
  });
});
