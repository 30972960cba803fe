import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import {
  ACCOUNT_DELAY_CAP_MS,
  ACCOUNT_FACTOR,
  ADDRESS_FACTOR,
  accountKey,
  addressKey,
  afterFailure,
  delayAfter,
  isForgotten,
  pairKey,
  pairPrefix,
  type ThrottleRow,
  waitText,
} from "./login-throttle.policy.js";
import { clearThrottle, clearThrottles, findThrottle, saveThrottle } from "./login-throttle.repository.js";

// The rules (three keys, growing delays, what each protects) are in login-throttle.policy.ts.

function settings(deps: Deps) {
  return { windowMs: deps.config.LOGIN_WINDOW_MINUTES * 60_000, limit: deps.config.LOGIN_MAX_FAILURES };
}

/**
 * Refuses a sign-in attempt while this client must wait, saying how long: its own failures on
 * the account, its failures over all accounts, or the account's failures from everywhere.
 * A refused attempt checks no password and counts nothing.
 */
export async function assertMaySignIn(deps: Deps, email: string, ip: string | null): Promise<void> {
  const now = deps.clock.now();
  const { windowMs, limit } = settings(deps);
  const live = async (key: string) => {
    const row = await findThrottle(deps.db.prisma, key);
    return row && !isForgotten(row, now, windowMs) ? row : null;
  };
  const pair = await live(pairKey(email, ip));
  const address = await live(addressKey(ip));
  const account = pair ? await live(accountKey(email)) : null;
  const accountDelay = account ? delayAfter(account.failures, limit * ACCOUNT_FACTOR, ACCOUNT_DELAY_CAP_MS) : 0;
  const waits: [number, string][] = [
    [waitMs(now, pair?.lockedUntil), "to this account from your network address. Wait %s and try again, or reset your password."],
    [waitMs(now, address?.lockedUntil), "from your network address. Wait %s and try again."],
    [
      pair && accountDelay ? waitMs(now, new Date(pair.windowStart.getTime() + accountDelay)) : 0,
      "to this account from several addresses. Wait %s and try again, or reset your password.",
    ],
  ];
  const [longest, text] = waits.reduce((a, b) => (b[0] > a[0] ? b : a));
  if (longest > 0) throw new AppError("rate_limited", `Too many failed sign-ins ${text.replace("%s", waitText(longest))}`);
}

function waitMs(now: Date, until: Date | null | undefined): number {
  return until ? Math.max(0, until.getTime() - now.getTime()) : 0;
}

/** Counts a failed sign-in against the pair, the client address and the account. */
export async function recordFailedSignIn(deps: Deps, email: string, ip: string | null): Promise<void> {
  const now = deps.clock.now();
  const { windowMs, limit } = settings(deps);
  const count = async (key: string, keyLimit: number, capMs: number) => {
    const row: ThrottleRow | null = await findThrottle(deps.db.prisma, key);
    await saveThrottle(deps.db.prisma, key, afterFailure(row, now, windowMs, keyLimit, capMs));
  };
  await count(pairKey(email, ip), limit, windowMs);
  await count(addressKey(ip), limit * ADDRESS_FACTOR, windowMs);
  await count(accountKey(email), limit * ACCOUNT_FACTOR, ACCOUNT_DELAY_CAP_MS);
}

/** A successful sign-in forgets this client's failures on the account (not the others'). */
export async function recordSuccessfulSignIn(deps: Deps, email: string, ip: string | null): Promise<void> {
  await clearThrottle(deps.db.prisma, pairKey(email, ip));
}

/**
 * Lifts every sign-in lock and delay on an account: a successful password reset proves the
 * owner holds the mailbox, so what an attacker's wrong guesses built up no longer applies.
 * Clears the account's own count and its pair with every address; an address's count over
 * all accounts is not the account's to clear.
 */
export async function clearLoginLocks(deps: Deps, email: string): Promise<void> {
  await clearThrottles(deps.db.prisma, accountKey(email), pairPrefix(email));
}
