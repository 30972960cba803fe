import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { actorOf, currentUser, isAllowed } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import type { Role } from "../users/index.js";
import { loadPreview, loadReadiness, recipientLabel, sendTestNotice } from "./notice-preview.service.js";
import { FIRST_BROKEN_LIMIT } from "./notice-readiness.service.js";
import { type PreviewQuery, previewQuerySchema } from "./notices.schemas.js";

/** The preview's query string: unknown or malformed parts are dropped, not refused. */
function previewQuery(source: unknown): PreviewQuery {
  const parsed = previewQuerySchema.parse(source ?? {});
  return {
    ...(parsed.version ? { version: parsed.version } : {}),
    ...(parsed.person ? { person: parsed.person } : {}),
    ...(parsed.q ? { q: parsed.q } : {}),
  };
}

/** The preview's URL for a query (the same page with a version, a person or a search). */
export function previewHref(ref: string, templateId: string, query: PreviewQuery, suffix = ""): string {
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v) as [string, string][]);
  const search = params.toString();
  return `/incidents/${ref}/notices/${templateId}/preview${suffix}${search ? `?${search}` : ""}`;
}

/** The handlers of the preview, its HTML part, the test send and the readiness check. */
export function createNoticePreviewHandlers(deps: Deps) {
  return {
    async preview(req: Request, res: Response) {
      const query = previewQuery(req.query);
      const page = await loadPreview(deps, String(req.params.ref), String(req.params.templateId), query);
      res.render("notices/preview", {
        ...page,
        title: `Preview of ${page.template.name} · ${page.incident.reference}`,
        recipientName: recipientLabel(page.recipient),
        canSendTest: isAllowed(currentUser(res)?.role as Role, "manager"),
        previewHref: (q: PreviewQuery, suffix?: string) => previewHref(page.incident.reference, page.template.id, q, suffix),
      });
    },

    /**
     * The notice's own HTML, shown in a sandboxed frame on the preview page: this response's
     * policy lets it run no script, load nothing from elsewhere and submit no form.
     */
    async previewHtml(req: Request, res: Response) {
      const page = await loadPreview(deps, String(req.params.ref), String(req.params.templateId), previewQuery(req.query));
      res.set(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'",
      );
      res.type("html").send(page.notice?.html ?? "<p>This notice has no version yet.</p>");
    },

    async sendTest(req: Request, res: Response) {
      const query = previewQuery({ version: req.body?.version, person: req.body?.person });
      const ref = String(req.params.ref);
      const templateId = String(req.params.templateId);
      const user = currentUser(res);
      if (!user) throw new AppError("unauthenticated", "Sign in to continue.");
      try {
        const sent = await sendTestNotice(deps, ref, templateId, query, user, actorOf(req, res));
        const where = deps.mailer.kind === "catcher" ? " (kept in the mail catcher: see Mail)" : "";
        flash(req, "success", `A test of ${sent.chosen.language} version ${sent.chosen.version} was sent to ${sent.to}${where}.`);
      } catch (error) {
        if (!(error instanceof AppError) || error.code === "not_found") throw error;
        flash(req, "error", error.message);
      }
      res.redirect(303, previewHref(ref, templateId, query));
    },

    async check(req: Request, res: Response) {
      const page = await loadReadiness(deps, String(req.params.ref), String(req.params.templateId));
      res.render("notices/check", {
        ...page,
        title: `Check of ${page.template.name} · ${page.incident.reference}`,
        firstBrokenLimit: FIRST_BROKEN_LIMIT,
        previewHref: (q: PreviewQuery) => previewHref(page.incident.reference, page.template.id, q),
      });
    },
  };
}
