import { ipKeyGenerator } from "express-rate-limit";

/**
 * The rules of the sign-in throttle, without I/O. Failures are counted under three keys of the
 * login_throttle table:
 *
 * - the pair (account, client address): after LOGIN_MAX_FAILURES failures the pair waits a delay
 *   that doubles from BASE_DELAY_MS up to the window. Only the pair waits, so wrong guesses from
 *   elsewhere never keep the owner out from their own address (the old per-account lock did).
 * - the client address, over every account: the same growing delay from ADDRESS_FACTOR times
 *   the limit on (one address trying many accounts; an office behind one NAT stays below it).
 * - the account, from every address: a soft brake on a guess spread over many addresses. Once
 *   the account has seen ACCOUNT_FACTOR times the limit in failures, every address that has
 *   itself failed on it waits, from its own latest failure, a delay that grows with the
 *   account's count but never beyond ACCOUNT_DELAY_CAP_MS. It is a per-address delay, not a
 *   lock: an address that has not failed (the owner, usually) goes straight through, no one can
 *   keep the account shut by spending a shared slot, and an owner who mistyped during an attack
 *   waits a minute at most; but each attacking address gets one quick guess instead of
 *   LOGIN_MAX_FAILURES, and then one a minute.
 *
 * A row keeps, besides its count, the instant of its latest failure (column window_start) and
 * when the key may try again (locked_until, null below the limit). A key is forgotten once it
 * has been quiet for a whole window after its delay ended.
 */
export const BASE_DELAY_MS = 5_000;
export const ADDRESS_FACTOR = 5;
export const ACCOUNT_FACTOR = 5;
export const ACCOUNT_DELAY_CAP_MS = 60_000;

export interface ThrottleRow {
  failures: number;
  /** The latest failure. */
  windowStart: Date;
  /** When this key may try again; null below its limit. */
  lockedUntil: Date | null;
}

/** The client address as a key: an IPv6 address by its /56 network, which one customer holds. */
function clientOf(ip: string | null): string {
  return ip ? ipKeyGenerator(ip) : "unknown";
}

export function pairKey(email: string, ip: string | null): string {
  // An e-mail address holds no space, so "pair:<email> " is the prefix of all of an account's pairs.
  return `${pairPrefix(email)}${clientOf(ip)}`;
}

export function pairPrefix(email: string): string {
  return `pair:${email} `;
}

export function addressKey(ip: string | null): string {
  return `address:${clientOf(ip)}`;
}

export function accountKey(email: string): string {
  return `account:${email}`;
}

/** The wait after the failures-th failure: none below the limit, then doubling up to the cap. */
export function delayAfter(failures: number, limit: number, capMs: number): number {
  if (failures < limit) return 0;
  return Math.min(capMs, BASE_DELAY_MS * 2 ** Math.min(failures - limit, 30));
}

/** True when a row no longer counts: quiet for a whole window since its delay (or failure) ended. */
export function isForgotten(row: ThrottleRow, now: Date, windowMs: number): boolean {
  const quietSince = row.lockedUntil ?? row.windowStart;
  return now.getTime() - quietSince.getTime() > windowMs;
}

/** The row after one more failure at now. */
export function afterFailure(row: ThrottleRow | null, now: Date, windowMs: number, limit: number, capMs: number): ThrottleRow {
  const failures = !row || isForgotten(row, now, windowMs) ? 1 : row.failures + 1;
  const delay = delayAfter(failures, limit, capMs);
  return { failures, windowStart: now, lockedUntil: delay > 0 ? new Date(now.getTime() + delay) : null };
}

/** "5 seconds", "1 minute", "15 minutes": a wait as a person reads it, rounded up. */
export function waitText(ms: number): string {
  if (ms <= 60_000) {
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    return seconds === 60 ? "1 minute" : `${seconds} second${seconds === 1 ? "" : "s"}`;
  }
  const minutes = Math.ceil(ms / 60_000);
  return `${minutes} minutes`;
}
