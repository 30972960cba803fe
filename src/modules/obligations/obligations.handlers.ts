import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { listZones } from "../../lib/instants.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { renderRefusal } from "../../web/forms.js";
import { loadIncident } from "../incidents/index.js";
import { recordClockEvent, updateIncidentLocation } from "./clock-events.service.js";
import { loadDeadlinesSection } from "./deadlines.section.js";
import { listDeadlines } from "./deadlines-view.service.js";
import { OBLIGATION_STATUSES, obligationStatusLabels } from "./obligation-urgency.policy.js";
import { applySchema, clockEventSchema, deadlinesFilterSchema, locationSchema, statusSchema } from "./obligations.schemas.js";
import {
  applyObligations,
  changeObligationStatus,
  loadObligationForm,
  previewReapply,
  reapplyObligation,
} from "./obligations.service.js";

type SectionForm = "clock" | "location" | "apply";

/** The values a form sent, keeping repeated fields (checkboxes) as arrays. */
function sentValues(req: Request): Record<string, unknown> {
  const { _csrf, ...rest } = (req.body ?? {}) as Record<string, unknown>;
  return rest;
}

const sectionUrl = (ref: string) => `/incidents/${ref.toUpperCase()}#deadlines`;

/** The handlers of the deadlines routes: parse, call the service, redirect or re-show the form. */
export function createObligationsHandlers(deps: Deps) {
  /** Re-shows the deadlines section alone with the refused form's messages and what was typed. */
  async function renderSectionRefusal(req: Request, res: Response, error: unknown, form: SectionForm) {
    if (!(error instanceof AppError) || error.code !== "validation") throw error;
    const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
    res.status(400).render("obligations/retry", {
      title: `Deadlines of ${incident.reference}`,
      incident,
      deadlinesSection: await loadDeadlinesSection(deps, incident, currentUser(res)!),
      form,
      values: sentValues(req),
      error: error.message,
      fieldErrors: error.fieldErrors,
    });
  }

  async function statusLocals(req: Request, values?: Record<string, unknown>) {
    const { incident, obligation, rule } = await loadObligationForm(
      deps,
      String(req.params.ref),
      String(req.params.obligationId),
    );
    const saved = {
      status: obligation.status,
      metAt: "",
      metAtZone: incident.timeZone,
      metHow: obligation.metHow,
      metReference: obligation.metReference,
      evidenceNote: obligation.evidenceNote,
      notRequiredReason: obligation.notRequiredReason,
      lateReasons: obligation.lateReasons,
    };
    return {
      title: `Outcome of ${rule.id} · ${incident.reference}`,
      incident,
      obligation,
      rule,
      statuses: OBLIGATION_STATUSES,
      statusLabels: obligationStatusLabels,
      zones: listZones(),
      values: values ?? saved,
    };
  }

  return {
    async recordEvent(req: Request, res: Response) {
      try {
        const input = parseInput(clockEventSchema, req.body);
        const { incident, isChange } = await recordClockEvent(deps, String(req.params.ref), input, actorOf(req, res));
        flash(req, "success", `Clock event ${input.code} ${isChange ? "changed" : "recorded"}; the deadlines are recomputed.`);
        res.redirect(303, sectionUrl(incident.reference));
      } catch (error) {
        await renderSectionRefusal(req, res, error, "clock");
      }
    },

    async setLocation(req: Request, res: Response) {
      try {
        const input = parseInput(locationSchema, req.body);
        const incident = await updateIncidentLocation(deps, String(req.params.ref), input.location, actorOf(req, res));
        flash(req, "success", incident.location ? `Location saved: ${incident.location}.` : "Location cleared.");
        res.redirect(303, sectionUrl(incident.reference));
      } catch (error) {
        await renderSectionRefusal(req, res, error, "location");
      }
    },

    async apply(req: Request, res: Response) {
      try {
        const input = parseInput(applySchema, req.body);
        const { incident, applied } = await applyObligations(deps, String(req.params.ref), input, actorOf(req, res));
        flash(req, "success", `Applied: ${applied.map((o) => o.ruleId).join(", ")}.`);
        res.redirect(303, sectionUrl(incident.reference));
      } catch (error) {
        await renderSectionRefusal(req, res, error, "apply");
      }
    },

    async showStatus(req: Request, res: Response) {
      res.render("obligations/status", { ...(await statusLocals(req)), fieldErrors: {} });
    },

    async setStatus(req: Request, res: Response) {
      try {
        const input = parseInput(statusSchema, req.body);
        const { incident, obligation } = await changeObligationStatus(
          deps,
          String(req.params.ref),
          String(req.params.obligationId),
          input,
          actorOf(req, res),
        );
        flash(req, "success", `${obligation.ruleId}: ${obligationStatusLabels[input.status].toLowerCase()}.`);
        res.redirect(303, sectionUrl(incident.reference));
      } catch (error) {
        await renderRefusal(res, "obligations/status", error, () => statusLocals(req, sentValues(req)));
      }
    },

    async showReapply(req: Request, res: Response) {
      const preview = await previewReapply(deps, String(req.params.ref), String(req.params.obligationId));
      res.render("obligations/reapply", { title: `Re-apply ${preview.rule.id} · ${preview.incident.reference}`, ...preview });
    },

    async reapply(req: Request, res: Response) {
      const { incident, obligation } = await reapplyObligation(
        deps,
        String(req.params.ref),
        String(req.params.obligationId),
        actorOf(req, res),
      );
      flash(req, "success", `${obligation.ruleId} re-applied from the current rule pack.`);
      res.redirect(303, sectionUrl(incident.reference));
    },

    async list(req: Request, res: Response) {
      const filter = deadlinesFilterSchema.parse(req.query);
      const reader = currentUser(res);
      if (!reader) throw new AppError("unauthenticated", "Sign in to continue.");
      const { deadlines, regimes } = await listDeadlines(deps, reader, filter, reader.timeZone);
      const viewerZone = reader.timeZone;
      res.render("obligations/list", { title: "Deadlines", deadlines, regimes, filter, viewerZone });
    },
  };
}
