import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { currentUser } from "../../web/access.js";
import { findMailFor, listMailFor } from "./mail-catcher.service.js";

const PAGE_SIZE = 50;

export function createMailCatcherHandlers(deps: Deps) {
  return {
    async list(req: Request, res: Response) {
      const page = Math.max(1, Number.parseInt(String(req.query.page ?? "1"), 10) || 1);
      const search = typeof req.query.q === "string" ? req.query.q.trim().slice(0, 200) : "";
      const { rows, total } = await listMailFor(deps, currentUser(res)!, {
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
        search: search || undefined,
      });
      res.render("mail/list", {
        title: "Mail catcher",
        messages: rows,
        total,
        page,
        pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
        search,
        isCatcher: deps.mailer.kind === "catcher",
      });
    },

    async show(req: Request, res: Response) {
      const mail = await findMailFor(deps, currentUser(res)!, String(req.params.id));
      const headers = JSON.parse(mail.headers) as Record<string, string>;
      res.render("mail/show", { title: mail.subject || "(no subject)", mail, headers });
    },

    /**
     * The message's own HTML, shown in a sandboxed frame: this response's policy lets it run no
     * script, load nothing from elsewhere, and submit no form, whatever the HTML contains.
     */
    async html(req: Request, res: Response) {
      const mail = await findMailFor(deps, currentUser(res)!, String(req.params.id));
      res.set(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'",
      );
      res.type("html").send(mail.html ?? "<p>This message has no HTML part.</p>");
    },
  };
}
