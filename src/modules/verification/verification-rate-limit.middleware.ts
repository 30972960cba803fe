import type { NextFunction, Request, RequestHandler, Response } from "express";
import { type ClientRateLimitInfo, ipKeyGenerator, rateLimit } from "express-rate-limit";

/**
 * Look-ups one client address may make in a window: plenty for a person checking a notice (or
 * an office checking a few), and at most 4,320 a day, against codes of 60 random bits.
 */
export const VERIFY_RATE_LIMIT = { limit: 30, windowMs: 10 * 60_000 };

/** How long until the client may look codes up again, in words and in whole seconds. */
export function retryAfterOf(req: Request): { seconds: number; words: string } {
  const resetTime = (req as Request & { rateLimit?: ClientRateLimitInfo }).rateLimit?.resetTime;
  const ms = resetTime ? resetTime.getTime() - Date.now() : VERIFY_RATE_LIMIT.windowMs;
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  const minutes = Math.ceil(seconds / 60);
  return { seconds, words: seconds < 60 ? `${seconds} seconds` : `${minutes} minute${minutes === 1 ? "" : "s"}` };
}

/**
 * The per-client limit of /verify or of the API's /verify (each app has one of each): counted
 * in the process's memory, not the database, so a flood of look-ups writes nothing; with several
 * web processes (PostgreSQL) each counts its own. X-Forwarded-For counts only as far as
 * TRUST_PROXY says. `refuse` answers a client over the limit (429).
 */
export function verifyRateLimit(refuse: (req: Request, res: Response, next: NextFunction) => void): RequestHandler {
  return rateLimit({
    ...VERIFY_RATE_LIMIT,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? "unknown"),
    handler: (req, res, next) => {
      res.setHeader("Retry-After", String(retryAfterOf(req).seconds));
      refuse(req, res, next);
    },
    legacyHeaders: false,
    standardHeaders: false,
    validate: { xForwardedForHeader: false },
  });
}
