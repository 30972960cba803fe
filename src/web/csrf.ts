import { randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { AppError } from "../lib/errors.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The session's CSRF token, made on first use. */
export function csrfTokenOf(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString("base64url");
  return req.session.csrfToken;
}

function isSameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Synchronizer-token CSRF protection: every state-changing request must carry the session's
 * token in the _csrf form field or the X-CSRF-Token header. A request from another site
 * cannot read the token, so it is refused even when the browser sends the cookie.
 */
export function csrfProtection(req: Request, res: Response, next: NextFunction): void {
  res.locals.csrfToken = csrfTokenOf(req);
  if (SAFE_METHODS.has(req.method)) {
    next();
    return;
  }
  const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get("x-csrf-token");
  if (typeof sent !== "string" || !req.session.csrfToken || !isSameToken(sent, req.session.csrfToken)) {
    next(new AppError("forbidden", "This form has expired or came from another site. Go back, reload the page and try again."));
    return;
  }
  next();
}
