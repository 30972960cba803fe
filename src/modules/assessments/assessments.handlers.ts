import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { loadIncident } from "../incidents/index.js";
import { assessmentSchema, decisionSchema } from "./assessments.schemas.js";
import { assessmentSection } from "./assessments.section.js";
import { recordAssessment, recordDecision } from "./assessments.service.js";

/** The values a form sent, keeping repeated fields (checkboxes) as arrays. */
function sentValues(req: Request): Record<string, unknown> {
  const { _csrf, ...rest } = (req.body ?? {}) as Record<string, unknown>;
  return rest;
}

export function createAssessmentsHandlers(deps: Deps) {
  /** Shows the section's forms alone, with the messages and what was typed. */
  async function renderRefused(req: Request, res: Response, error: unknown, form: "assessment" | "decision") {
    if (!(error instanceof AppError) || error.code !== "validation") throw error;
    const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
    const viewer = res.locals.currentUser;
    res.status(400).render("assessments/retry", {
      title: `${form === "assessment" ? "Assessment" : "Decision"} for ${incident.reference}`,
      incident,
      form,
      ...(await assessmentSection.load(deps, incident, viewer)),
      values: sentValues(req),
      error: error.message,
      fieldErrors: error.fieldErrors,
    });
  }

  return {
    async assess(req: Request, res: Response) {
      try {
        const input = parseInput(assessmentSchema, req.body);
        await recordAssessment(deps, String(req.params.ref), input, actorOf(req, res));
        flash(req, "success", "The assessment is recorded.");
        res.redirect(303, `/incidents/${String(req.params.ref).toUpperCase()}#assessment`);
      } catch (error) {
        await renderRefused(req, res, error, "assessment");
      }
    },

    async decide(req: Request, res: Response) {
      try {
        const input = parseInput(decisionSchema, req.body);
        await recordDecision(deps, String(req.params.ref), input, actorOf(req, res));
        flash(req, "success", "The decision is recorded.");
        res.redirect(303, `/incidents/${String(req.params.ref).toUpperCase()}#assessment`);
      } catch (error) {
        await renderRefused(req, res, error, "decision");
      }
    },
  };
}
