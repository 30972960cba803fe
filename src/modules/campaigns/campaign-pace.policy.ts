/**
 * How fast a campaign's notices go out, for the start page: the worker's token bucket
 * (MAIL_RATE_PER_SECOND, MAIL_RATE_PER_HOUR; token-bucket.policy.ts) lets a second's and an
 * hour's allowance go at once, then paces at the rates. Pure.
 */
import type { SendRateLimits } from "./token-bucket.policy.js";

export interface CampaignPace {
  /** The rate in words, e.g. "50 a second" or "50 a second and at most 2,000 an hour". */
  rate: string;
  /** Expected sending time in milliseconds; null when no limit is set (the mail server sets the pace). */
  durationMs: number | null;
  /** The expected time in words, e.g. "about 1 minute 38 seconds". */
  duration: string;
  /** All of it in one phrase, e.g. "4,886 notices at 50 a second: about 1 minute 37 seconds in all". */
  summary: string;
}

const n = (count: number) => count.toLocaleString("en");

/** Milliseconds a token bucket of `capacity` a `periodMs` takes to let `count` messages through, starting full. */
function bucketMs(count: number, capacity: number, periodMs: number): number {
  if (capacity <= 0 || count <= capacity) return 0;
  return ((count - capacity) / capacity) * periodMs;
}

/** A span in words, rounded to what a person plans by: seconds under a minute, then minutes, then hours and minutes. */
export function spanInWords(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  const unit = (value: number, word: string) => `${n(value)} ${word}${value === 1 ? "" : "s"}`;
  if (seconds < 60) return `about ${unit(seconds, "second")}`;
  if (seconds < 3600) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    return `about ${unit(minutes, "minute")}${rest ? ` ${unit(rest, "second")}` : ""}`;
  }
  const minutes = Math.round(seconds / 60);
  const hours = Math.floor(minutes / 60);
  return `about ${unit(hours, "hour")}${minutes % 60 ? ` ${unit(minutes % 60, "minute")}` : ""}`;
}

/**
 * The pace and expected sending time of `count` notices through one worker at these limits;
 * the slower of the two buckets sets the time (each lets its allowance go at once).
 */
export function paceOf(count: number, limits: SendRateLimits): CampaignPace {
  const parts: string[] = [];
  if (limits.perSecond > 0) parts.push(`${n(limits.perSecond)} a second`);
  if (limits.perHour > 0) parts.push(`${parts.length ? "at most " : ""}${n(limits.perHour)} an hour`);
  const notices = `${n(count)} ${count === 1 ? "notice" : "notices"}`;
  if (parts.length === 0) {
    const rate = "as fast as the mail server takes them (no rate limit is set)";
    return { rate, durationMs: null, duration: "", summary: `${notices}, ${rate}` };
  }
  const durationMs = Math.max(bucketMs(count, limits.perSecond, 1000), bucketMs(count, limits.perHour, 3_600_000));
  const rate = parts.join(" and ");
  const duration = durationMs < 1000 ? "within a second" : spanInWords(durationMs);
  const summary = `${notices} at ${rate}: ${durationMs < 1000 ? "all within a second" : `${duration} in all`}`;
  return { rate, durationMs, duration, summary };
}
