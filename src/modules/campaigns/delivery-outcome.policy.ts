import { classifySendError, type SentMail } from "../../mail/mailer.js";
import { retryDelayMs } from "./send-backoff.policy.js";

/** What the sender records for one claimed delivery; every field is written as given. */
export type DeliveryResult =
  | { id: string; status: "sent"; at: Date; smtpCode: number | null; smtpResponse: string }
  | { id: string; status: "queued"; at: Date; nextAttemptAt: Date; smtpCode: number | null; smtpResponse: string }
  | { id: string; status: "failed"; at: Date; smtpCode: number | null; smtpResponse: string }
  /** Claimed but not tried (its campaign was paused or cancelled, the relay is down): as before the claim. */
  | { id: string; status: "released"; at: Date }
  /** Claimed but not tried, and its campaign was cancelled meanwhile. */
  | { id: string; status: "cancelled"; at: Date };

/** How a try ended, for the campaign's error window and the sender's view of its relay. */
export type TryKind = "sent" | "answer_error" | "connection_error" | "refused";

export interface Outcome {
  result: DeliveryResult;
  kind: TryKind;
}

/** The delivery fields an outcome depends on. */
export interface TriedDelivery {
  id: string;
  /** Tries so far, this one included (the claim counts it). */
  attempts: number;
  /** When it was queued (fan-out or "retry the failed ones"): transient failures are retried for a while from there. */
  queuedAt: Date;
}

/** The reply code at the start of an SMTP reply ("250 2.0.0 OK" -> 250), or null. */
export function replyCodeOf(response: string): number | null {
  const digits = /^([2-5]\d\d)(?:[\s-]|$)/.exec(response.trim())?.[1];
  return digits ? Number(digits) : null;
}

/** The outcome of a message the server accepted: sent, with its reply word for word. */
export function sentOutcome(delivery: TriedDelivery, sent: SentMail, now: Date): Outcome {
  const smtpResponse = sent.response.trim();
  return {
    kind: "sent",
    result: { id: delivery.id, status: "sent", at: now, smtpCode: replyCodeOf(smtpResponse), smtpResponse },
  };
}

/** The server's own reply when the error carries one (nodemailer's `response`), else the error's message. */
function serverWords(error: unknown, fallback: string): string {
  const response = (error as { response?: unknown } | null)?.response;
  return typeof response === "string" && response.trim() !== "" ? response.trim() : fallback;
}

/**
 * The outcome of a failed try. A 5xx answer or a message refused before sending fails for
 * good, keeping the server's words. A 4xx answer (421, 450, 451, 452, 454...) or a connection
 * error goes back to the queue with exponential backoff, until `retryWindowMs` has passed
 * since the delivery was queued (after two tries at least): then it fails, saying so.
 */
export function failedOutcome(delivery: TriedDelivery, error: unknown, now: Date, retryWindowMs: number): Outcome {
  const sorted = classifySendError(error);
  const smtpCode = sorted.responseCode ?? null;
  const smtpResponse = serverWords(error, sorted.message);
  const kind: TryKind = smtpCode !== null ? "answer_error" : sorted.kind === "transient" ? "connection_error" : "refused";
  const base = { id: delivery.id, at: now, smtpCode };
  if (sorted.kind === "permanent") return { kind, result: { ...base, status: "failed", smtpResponse } };
  const isOverdue = delivery.attempts >= 2 && now.getTime() - delivery.queuedAt.getTime() >= retryWindowMs;
  if (isOverdue) {
    const hours = Math.round(retryWindowMs / 3_600_000);
    const gaveUp = `Gave up after ${delivery.attempts} tries in ${hours} hours; the last answer: ${smtpResponse}`;
    return { kind, result: { ...base, status: "failed", smtpResponse: gaveUp } };
  }
  const waitMs = retryDelayMs(delivery.attempts, smtpCode !== null ? "answer" : "connection");
  return { kind, result: { ...base, status: "queued", nextAttemptAt: new Date(now.getTime() + waitMs), smtpResponse } };
}
