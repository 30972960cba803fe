import type { Request, RequestHandler, Response } from "express";
import { type ClientRateLimitInfo, ipKeyGenerator, rateLimit, type Store } from "express-rate-limit";
import type { Deps } from "../../deps.js";
import { normaliseEmail } from "../users/index.js";
import { waitText } from "./login-throttle.policy.js";
import { clearThrottle, countHit, findThrottle, uncountHit } from "./login-throttle.repository.js";

/** Reset requests one client address may make in its window: a whole office forgetting at once. */
const PER_ADDRESS = { limit: 10, windowMs: 15 * 60_000 };
/**
 * Reset requests for one e-mail address, from anywhere, in its window. Mail stops after this;
 * the owner is not locked out by someone asking in their name, since each request retires the
 * earlier links and the latest one mailed keeps working for its hour.
 */
const PER_EMAIL = { limit: 5, windowMs: 60 * 60_000 };

/**
 * An express-rate-limit store in the login_throttle table rather than in process memory, so the
 * limits hold across several web processes (decision 0002), and on the app's clock.
 */
class ThrottleTableStore implements Store {
  windowMs = 60_000;
  constructor(
    private readonly deps: Deps,
    readonly prefix: string,
  ) {}

  init(options: { windowMs: number }): void {
    this.windowMs = options.windowMs;
  }

  private info(row: { failures: number; windowStart: Date } | null): ClientRateLimitInfo | undefined {
    return row ? { totalHits: row.failures, resetTime: new Date(row.windowStart.getTime() + this.windowMs) } : undefined;
  }

  async get(key: string) {
    return this.info(await findThrottle(this.deps.db.prisma, this.prefix + key));
  }

  async increment(key: string) {
    const now = this.deps.clock.now();
    const row = await countHit(this.deps.db.prisma, this.prefix + key, now, new Date(now.getTime() - this.windowMs));
    return this.info(row) as ClientRateLimitInfo;
  }

  async decrement(key: string) {
    await uncountHit(this.deps.db.prisma, this.prefix + key);
  }

  async resetKey(key: string) {
    await clearThrottle(this.deps.db.prisma, this.prefix + key);
  }
}

function submittedEmail(req: Request): string {
  const email = (req.body as Record<string, unknown> | undefined)?.email;
  return typeof email === "string" ? normaliseEmail(email) : "";
}

/**
 * The limits on POST /password/forgot: per client address, then per submitted e-mail address.
 * A refused request gets the form again with a 429 and how long to wait; nothing is mailed.
 */
export function forgotRateLimits(deps: Deps): RequestHandler[] {
  const refuse = (text: string) => (req: Request, res: Response) => {
    const resetTime = (req as Request & { rateLimit?: ClientRateLimitInfo }).rateLimit?.resetTime;
    const wait = waitText(resetTime ? resetTime.getTime() - deps.clock.now().getTime() : PER_ADDRESS.windowMs);
    res.status(429).render("auth/forgot", {
      title: "Reset your password",
      values: { email: submittedEmail(req) },
      fieldErrors: {},
      sent: false,
      error: text.replace("%s", wait),
    });
  };
  // X-Forwarded-For is read or ignored as TRUST_PROXY says; the library need not warn about it.
  const validate = { xForwardedForHeader: false };
  return [
    rateLimit({
      ...PER_ADDRESS,
      store: new ThrottleTableStore(deps, "reset-address:"),
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? "unknown"),
      handler: refuse("Too many password-reset requests from your network address. Wait %s and try again."),
      legacyHeaders: false,
      standardHeaders: false,
      validate,
    }),
    rateLimit({
      ...PER_EMAIL,
      store: new ThrottleTableStore(deps, "reset-email:"),
      keyGenerator: (req) => submittedEmail(req),
      // A form without a plausible address is refused by its validation, and counts against no one.
      skip: (req) => submittedEmail(req) === "" || submittedEmail(req).length > 254,
      handler: refuse(
        "Too many password-reset requests for this address. If it has an account, the latest link we sent works; otherwise wait %s and try again.",
      ),
      legacyHeaders: false,
      standardHeaders: false,
      validate,
    }),
  ];
}
