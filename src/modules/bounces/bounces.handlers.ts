import { createHash, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { actorOf } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { listRecentDeliveryEvents } from "./bounces.repository.js";
import { WEBHOOK_TYPES, webhookBodySchema } from "./bounces.schemas.js";
import { type BounceReport, recordBounceReports, reportsFromDsn } from "./bounces.service.js";
import { parseDeliveryStatusNotification } from "./dsn.js";
import { MAX_DSN_BYTES, uploadedDsnOf } from "./dsn-upload.js";

/** The secret a webhook call carries: Authorization: Bearer <secret>, or X-Breachdesk-Secret. */
function presentedSecret(req: Request): string {
  const header = req.get("authorization") ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  return (bearer ?? req.get("x-breachdesk-secret") ?? "").trim();
}

/** Compares secrets in constant time (their digests, so lengths do not leak either). */
function isSameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function createBouncesHandlers(deps: Deps) {
  return {
    /** POST /hooks/bounces: a mail service's bounce and complaint reports, as JSON. */
    async webhook(req: Request, res: Response) {
      const secret = deps.config.BOUNCE_WEBHOOK_SECRET;
      if (!secret) {
        res.status(503).json({ error: "Bounce reports are not accepted here: set BOUNCE_WEBHOOK_SECRET to turn them on." });
        return;
      }
      if (!isSameSecret(presentedSecret(req), secret)) {
        res.status(401).json({ error: "Wrong or missing secret: send it as Authorization: Bearer <secret>." });
        return;
      }
      const parsed = webhookBodySchema.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({
          error: "The reports could not be read.",
          problems: parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).slice(0, 50),
        });
        return;
      }
      const reports: BounceReport[] = parsed.data.reports.map((r) => ({
        kind: WEBHOOK_TYPES[r.type],
        email: r.email ?? null,
        messageId: r.messageId ?? null,
        deliveryId: r.deliveryId ?? null,
        detail: r.detail ?? "",
      }));
      const outcome = await recordBounceReports(deps, reports, "webhook", {
        userId: null,
        label: "bounce webhook",
        ip: req.ip ?? null,
      });
      res.json(outcome);
    },

    /** The reports received lately, and the form to upload a bounce message. */
    async index(_req: Request, res: Response) {
      const events = await listRecentDeliveryEvents(deps.db.prisma);
      res.render("bounces/index", { title: "Bounce reports", events, maxKiB: MAX_DSN_BYTES / 1024 });
    },

    /** POST /bounces/dsn: one bounce message (.eml) as a mail server sent it. */
    async uploadDsn(req: Request, res: Response) {
      const file = uploadedDsnOf(req);
      if (!file || file.bytes.length === 0) throw new AppError("validation", "Choose a bounce message (.eml file) to upload.");
      if (file.isTooLarge) {
        throw new AppError(
          "validation",
          `${file.fileName} is larger than ${MAX_DSN_BYTES / 1024} KiB: upload the bounce message alone.`,
        );
      }
      const dsn = parseDeliveryStatusNotification(file.bytes);
      const reports = reportsFromDsn(dsn);
      if (reports.length === 0) {
        flash(req, "info", `${file.fileName} reports delivered or relayed messages only: nothing to record.`);
        return res.redirect(303, "/bounces");
      }
      const outcome = await recordBounceReports(deps, reports, "dsn_upload", actorOf(req, res));
      const unmatched = outcome.unmatched ? ` ${outcome.unmatched} matched no notice sent by Breachdesk.` : "";
      flash(
        req,
        "success",
        `${file.fileName}: ${outcome.received} report${outcome.received === 1 ? "" : "s"} recorded, ${outcome.bounced} notice${outcome.bounced === 1 ? "" : "s"} marked bounced.${unmatched}`,
      );
      res.redirect(303, "/bounces");
    },
  };
}
