import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { getCaughtMail, listCaughtMail } from "../../mail/mail-catcher.repository.js";

const PAGE_SIZE = 50;

export function createMailCatcherHandlers(deps: Deps) {
  async function find(req: Request) {
    const mail = await getCaughtMail(deps.db, String(req.params.id));
    if (!mail) throw new AppError("not_found", "No such message in the mail catcher.");
    return mail;
  }

  return {
    async list(req: Request, res: Response) {
      const page = Math.max(1, Number.parseInt(String(req.query.page ?? "1"), 10) || 1);
      const search = typeof req.query.q === "string" ? req.query.q.trim().slice(0, 200) : "";
      const { rows, total } = await listCaughtMail(deps.db, {
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
      const mail = await find(req);
      const headers = JSON.parse(mail.headers) as Record<string, string>;
      res.render("mail/show", { title: mail.subject || "(no subject)", mail, headers });
    },

    /**
     * The message's own HTML, shown in a sandboxed frame: this response's policy lets it run no
     * script, load nothing from elsewhere, and submit no form, whatever the HTML contains.
     */
    async html(req: Request, res: Response) {
      const mail = await find(req);
      res.set(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'",
      );
      res.type("html").send(mail.html ?? "<p>This message has no HTML part.</p>");
    },
  };
}
