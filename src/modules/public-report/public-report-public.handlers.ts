import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { reportKindLabels, textKeys, textLabels } from "./public-report.schemas.js";
import { paragraphsOf } from "./public-report-content.policy.js";
import { atomFeedOf } from "./public-report-feed.policy.js";
import { loadPublicFeed, loadPublicReport } from "./public-report-public.service.js";

/**
 * The public page's policy: nothing runs, nothing loads but our stylesheet, no form posts, no
 * frame holds it, and the address it is read at goes to no other site (decision 0018).
 */
export const PUBLIC_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function setPublicHeaders(res: Response) {
  res.setHeader("Content-Security-Policy", PUBLIC_CSP);
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cache-Control", "no-cache");
}

const slugOf = (req: Request) => {
  const slug = String(req.params.slug);
  // 22 base64url characters; anything else names nothing (and never reaches the database).
  if (!/^[A-Za-z0-9_-]{22}$/.test(slug)) throw new AppError("not_found", "There is no published report at this address.");
  return slug;
};

/** The pages anyone may read, without signing in: the report, an earlier version, the Atom feed. */
export function createPublicPageHandlers(deps: Deps) {
  const render = async (req: Request, res: Response, version?: number) => {
    setPublicHeaders(res);
    const report = await loadPublicReport(deps, slugOf(req), version);
    res.render("public-report/page", { ...report, kindLabels: reportKindLabels, textKeys, textLabels, paragraphsOf });
  };
  return {
    async page(req: Request, res: Response) {
      await render(req, res);
    },

    async version(req: Request, res: Response) {
      const number = Number(req.params.version);
      if (!Number.isInteger(number) || number < 1) throw new AppError("not_found", "There is no such version.");
      await render(req, res, number);
    },

    async feed(req: Request, res: Response) {
      setPublicHeaders(res);
      const feed = await loadPublicFeed(deps, slugOf(req));
      res.type("application/atom+xml; charset=utf-8").send(atomFeedOf(feed, deps.config.publicUrl));
    },
  };
}
