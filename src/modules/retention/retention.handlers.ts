import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { renderFormError } from "../../web/forms.js";
import { loadIncident } from "../incidents/index.js";
import { legalHoldSchema, lookupSchema, retentionRuleSchema } from "./retention.schemas.js";
import { lookupAddress, previewPurge, purgeNow, setLegalHold, setRetentionRule } from "./retention.service.js";

const sectionPath = (reference: string) => `/incidents/${encodeURIComponent(reference)}#retention`;

/** The retention pages: the rule and the hold (forms of the evidence page's section), the purge's confirmation, the lookup. */
export function createRetentionHandlers(deps: Deps) {
  /** A refused form goes back to the section with the message (the section shows the rule). */
  function refuse(req: Request, res: Response, error: unknown) {
    if (!(error instanceof AppError) || (error.code !== "validation" && error.code !== "conflict")) throw error;
    const detail = Object.values(error.fieldErrors ?? {})[0];
    flash(req, "error", detail && detail !== error.message ? `${error.message} ${detail}` : error.message);
    res.redirect(303, sectionPath(String(req.params.ref)));
  }

  return {
    async saveRule(req: Request, res: Response) {
      try {
        const input = parseInput(retentionRuleSchema, req.body);
        const incident = await setRetentionRule(deps, String(req.params.ref), input, actorOf(req, res));
        flash(req, "success", "The retention is saved.");
        res.redirect(303, sectionPath(incident.reference));
      } catch (error) {
        refuse(req, res, error);
      }
    },

    async saveHold(req: Request, res: Response) {
      try {
        const input = parseInput(legalHoldSchema, req.body);
        const incident = await setLegalHold(deps, String(req.params.ref), input, actorOf(req, res));
        flash(req, "success", input.isHeld ? "The legal hold is set: no purge while it is." : "The legal hold is lifted.");
        res.redirect(303, sectionPath(incident.reference));
      } catch (error) {
        refuse(req, res, error);
      }
    },

    async confirmPurge(req: Request, res: Response) {
      const preview = await previewPurge(deps, String(req.params.ref));
      res.render("retention/purge", { title: `Purge ${preview.incident.reference}?`, preview, fieldErrors: {} });
    },

    async purge(req: Request, res: Response) {
      const ref = String(req.params.ref);
      try {
        const typed = String((req.body as Record<string, unknown> | undefined)?.confirm ?? "").trim();
        if (typed !== ref) {
          throw new AppError("validation", `Type ${ref} to confirm the purge.`, { confirm: `Type ${ref} exactly.` });
        }
        const { incident, counts } = await purgeNow(deps, ref, actorOf(req, res));
        flash(
          req,
          "success",
          `Purged: ${counts.people} people's personal data; ${counts.deliveries} notices kept with a hashed address.`,
        );
        res.redirect(303, sectionPath(incident.reference));
      } catch (error) {
        renderFormError(res, "retention/purge", error, { title: `Purge ${ref}?`, preview: await previewPurge(deps, ref) });
      }
    },

    async lookup(req: Request, res: Response) {
      const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
      const title = `Was this address notified? · ${incident.reference}`;
      try {
        const { email } = parseInput(lookupSchema, req.body);
        const answer = await lookupAddress(deps, incident.reference, email);
        res.render("retention/lookup", { title, incident, email, answer, fieldErrors: {} });
      } catch (error) {
        renderFormError(res, "retention/lookup", error, { title, incident, email: "", answer: null });
      }
    },
  };
}
