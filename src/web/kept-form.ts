import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Deps } from "../deps.js";
import { currentUser, routeTable } from "./access.js";
import { type FormFields, refillForm } from "./form-refill.js";
import type { FlashMessage } from "./session.js";

// A form sent after the session expired is not lost (issue 13; decision 0016). The request has no
// signed-in user, so it would be refused (its CSRF token belonged to the session that is gone);
// instead, when it comes from one of our own pages, what was typed is kept in the new session
// (never passwords, confirmations or files), the person signs in again, and the page they were on
// comes back once with the form filled in, for them to check and send again. Nothing is sent for
// them: a kept form is only ever shown.

declare module "express-session" {
  interface SessionData {
    keptForm?: KeptForm;
  }
}

export interface KeptForm {
  /** The page the form was on (same-site path and query), where the person goes back to. */
  returnTo: string;
  /** Where the form posted (path and query): which form on that page to fill. */
  action: string;
  /** What was typed; null when nothing could be kept (too large). */
  fields: FormFields | null;
  /** Epoch milliseconds: a kept form is offered for an hour. */
  keptAt: number;
}

const KEEP_MS = 60 * 60_000;
/** Sessions are database rows: a notice's seven sections fit, an abuse does not. */
const MAX_KEPT_CHARS = 256 * 1024;
/** Never kept: secrets, and ticked confirmations of what cannot be undone (they must be ticked again). */
const NEVER_KEPT = /password|secret|^confirm$|^_csrf$/i;

export const REFILLED_NOTICE =
  "Your session had expired when you sent this form, so nothing was saved. What you typed is filled in again below: check it and send it again.";
const NOT_REFILLED_NOTICE =
  "Your session had expired when you sent a form on this page, so nothing was saved. That form is no longer on the page, so what you typed could not be filled in again.";

/** A path of this site (never another host), or null. */
function sitePath(value: string): string | null {
  return value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : null;
}

/** True when the browser says the request came from one of our pages (Sec-Fetch-Site, else Origin). */
function isFromOurPage(req: Request, publicUrl: string): boolean {
  const origins = [`${req.protocol}://${req.get("host")}`, new URL(publicUrl).origin];
  const site = req.get("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = req.get("origin");
  return origin !== undefined && origins.includes(origin);
}

/** The page the form was on, from the Referer our Referrer-Policy (same-origin) lets through. */
function pageOf(req: Request, publicUrl: string): string {
  const referer = req.get("referer");
  if (!referer) return "/";
  try {
    const url = new URL(referer);
    const origins = [`${req.protocol}://${req.get("host")}`, new URL(publicUrl).origin];
    if (!origins.includes(url.origin)) return "/";
    const path = sitePath(url.pathname + url.search);
    return path && !isPublicRoute("get", url.pathname) ? path : "/";
  } catch {
    return "/";
  }
}

/** Whether a route of the route table answers anyone (sign-in, setup, the password links). */
function isPublicRoute(method: "get" | "post", path: string): boolean {
  return routeTable.some((route) => {
    if (route.method !== method || route.access !== "public") return false;
    const pattern = route.path
      .split("/")
      .map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    return new RegExp(`^${pattern.join("/")}/?$`).test(path);
  });
}

/** The typed fields worth keeping: strings and lists of strings, without secrets; null when too large. */
function keepableFields(body: unknown): FormFields | null {
  const fields: FormFields = {};
  let size = 0;
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (NEVER_KEPT.test(name)) continue;
    const values = Array.isArray(value) ? value : [value];
    if (!values.every((v): v is string => typeof v === "string")) continue;
    size += name.length + values.reduce((sum, v) => sum + v.length, 0);
    fields[name] = Array.isArray(value) ? values : (values[0] ?? "");
  }
  return size > MAX_KEPT_CHARS ? null : fields;
}

/**
 * Before the CSRF check: a form sent from one of our pages by someone no longer signed in (their
 * session expired) to a page that needs sign-in is kept in the new session, and the person is
 * sent to sign in, then back to the page. Anything else goes on as before (refused by the CSRF
 * check or the route's guard).
 */
export function keepFormOfExpiredSession(deps: Deps): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "POST" || currentUser(res) || !req.is(["urlencoded", "multipart"])) return next();
    if (isPublicRoute("post", req.path) || !isFromOurPage(req, deps.config.publicUrl)) return next();
    const returnTo = pageOf(req, deps.config.publicUrl);
    const keptAt = deps.clock.now().getTime();
    req.session.keptForm = { returnTo, action: req.originalUrl, fields: keepableFields(req.body), keptAt };
    res.redirect(303, `/login?next=${encodeURIComponent(returnTo)}`);
  };
}

/** The kept form of this session, while it may still be offered (an hour). */
export function keptFormOf(req: Request, now: Date): KeptForm | undefined {
  const kept = req.session?.keptForm;
  return kept && now.getTime() - kept.keptAt < KEEP_MS ? kept : undefined;
}

/**
 * On the page a kept form came from, once signed in: fills the form with what was typed and
 * says why, once (the kept form leaves the session).
 */
export function refillKeptForm(deps: Deps): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "GET" || !req.session?.keptForm || !currentUser(res)) return next();
    const kept = keptFormOf(req, deps.clock.now());
    if (kept && req.originalUrl !== kept.returnTo) return next();
    // Offered once, on its page; an expired one just leaves.
    delete req.session.keptForm;
    if (kept?.fields) offerRefill(req, res, next, kept, kept.fields);
    next();
  };
}

/** Fills the kept form in the page this response renders, with a notice saying why. */
function offerRefill(req: Request, res: Response, next: NextFunction, kept: KeptForm, fields: FormFields): void {
  (res.locals.flashMessages as FlashMessage[]).push({ type: "info", text: REFILLED_NOTICE });
  const render = res.render.bind(res);
  res.render = ((
    view: string,
    options?: object | ((error: Error, html: string) => void),
    callback?: (error: Error | null, html?: string) => void,
  ) => {
    const locals = typeof options === "function" ? {} : (options ?? {});
    const done = typeof options === "function" ? options : callback;
    render(view, locals, (error: Error | null, html: string) => {
      // As Express's own render does: the error goes to the next handler of the layer rendering.
      if (error) return done ? done(error) : (req.next ?? next)(error);
      const filled = refillForm(html, kept.action, fields, req.path) ?? html.replace(REFILLED_NOTICE, NOT_REFILLED_NOTICE);
      if (done) done(null, filled);
      else res.send(filled);
    });
  }) as typeof res.render;
}
