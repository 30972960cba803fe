import { createHash, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { WEBHOOK_TYPES, webhookBodySchema } from "./bounces.schemas.js";
import { type BounceReport, loadBounceReportsPage, recordBounceReports, reportsFromDsn } from "./bounces.service.js";
import { parseDeliveryStatusNotification } from "./dsn.policy.js";
import { MAX_DSN_BYTES, uploadedDsnOf } from "./dsn-upload.middleware.js";
import { liftSuppression, loadSuppressionOfDelivery, reviewReport } from "./suppressions.service.js";

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
  const renderLift = async (req: Request, res: Response, error = "") => {
    const found = await loadSuppressionOfDelivery(deps, String(req.params.ref), String(req.params.deliveryId));
    res.status(error ? 400 : 200).render("bounces/lift", {
      title: `Lift the suppression of ${found.delivery.email ?? "an address"} · ${found.incident.reference}`,
      ...found,
      error,
      note: typeof req.body?.note === "string" ? req.body.note : "",
    });
  };

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

    /** The unmatched reports to review first, then the reports received lately, and the form to upload a bounce message. */
    async index(_req: Request, res: Response) {
      const reader = currentUser(res);
      if (!reader) throw new AppError("unauthenticated", "Sign in to continue.");
      const { toReview, events } = await loadBounceReportsPage(deps, reader);
      res.render("bounces/index", { title: "Bounce reports", toReview, events, maxKiB: MAX_DSN_BYTES / 1024 });
    },

    /** POST /bounces/reports/:id/review: an unmatched report looked at, with an optional note. */
    async review(req: Request, res: Response) {
      await reviewReport(deps, String(req.params.id), req.body, actorOf(req, res));
      flash(req, "success", "The report is marked reviewed. It changed nothing.");
      res.redirect(303, "/bounces");
    },

    /** GET /incidents/:ref/suppressions/:deliveryId: what lifting the suppression of this person's address means. */
    async confirmLift(req: Request, res: Response) {
      await renderLift(req, res);
    },

    /** POST .../lift: lifts the suppression once confirmed; the incident's next campaign includes the person again. */
    async lift(req: Request, res: Response) {
      try {
        const { incident, delivery } = await liftSuppression(
          deps,
          String(req.params.ref),
          String(req.params.deliveryId),
          req.body,
          actorOf(req, res),
        );
        flash(
          req,
          "success",
          `${delivery.email ?? "The address"} may be e-mailed again by ${incident.reference}'s next campaign.`,
        );
        res.redirect(303, `/incidents/${encodeURIComponent(incident.reference)}/ledger/other-channels`);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== "validation") throw error;
        await renderLift(req, res, Object.values(error.fieldErrors)[0] ?? error.message);
      }
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
      const dsn = await parseDeliveryStatusNotification(file.bytes);
      const reports = reportsFromDsn(dsn);
      if (reports.length === 0) {
        flash(req, "info", `${file.fileName} reports delivered or relayed messages only: nothing to record.`);
        return res.redirect(303, "/bounces");
      }
      const outcome = await recordBounceReports(deps, reports, "dsn_upload", actorOf(req, res));
      const unmatched = outcome.unmatched
        ? ` ${outcome.unmatched} named no notice of ours (no Message-ID of Breachdesk's): kept for review below, changing nothing.`
        : "";
      flash(
        req,
        "success",
        `${file.fileName}: ${outcome.received} report${outcome.received === 1 ? "" : "s"} recorded, ${outcome.bounced} notice${outcome.bounced === 1 ? "" : "s"} marked bounced.${unmatched}`,
      );
      res.redirect(303, "/bounces");
    },
  };
}
