import express, { type NextFunction, type Request, type Response, Router } from "express";
import type { Deps } from "../../deps.js";
import { mountRoutes } from "../../web/access.js";
import { createVerificationHandlers } from "./verification.handlers.js";
import { verifyRateLimit } from "./verification-rate-limit.middleware.js";

/**
 * A policy stricter than the app's: the page loads nothing but the stylesheet, posts only to
 * itself, is framed by no one, and sends no address along when its one link is followed.
 */
const VERIFY_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

function publicPageHeaders(_req: Request, res: Response, next: NextFunction) {
  res.setHeader("Content-Security-Policy", VERIFY_CSP);
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Robots-Tag", "noindex");
  next();
}

/**
 * GET and POST /verify: is this notice genuine? Public (no sign-in), so it is mounted before
 * the session and CSRF layers: a look-up changes nothing and makes no session row, and a form
 * posted from elsewhere can only spend that client's own look-ups. Rate limited per client.
 */
export function verificationRoutes(deps: Deps): Router {
  const h = createVerificationHandlers(deps);
  const router = Router();
  router.use("/verify", publicPageHeaders);
  router.post("/verify", express.urlencoded({ extended: false, limit: "4kb", parameterLimit: 10 }), verifyRateLimit(h.limited));
  mountRoutes(router, [
    { method: "get", path: "/verify", access: "public", handler: h.form },
    { method: "post", path: "/verify", access: "public", handler: h.check, sessionless: true },
  ]);
  return router;
}
