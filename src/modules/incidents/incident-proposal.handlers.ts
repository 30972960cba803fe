import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { type IncidentStatus, statusLabels } from "./incident-lifecycle.policy.js";
import { proposalAnswerSchema } from "./incident-proposal.schemas.js";
import { answerStatusProposal } from "./incident-status-proposal.service.js";

/** Where to go back to: the workspace page the form was on (a local path), else the overview. */
function backTo(req: Request, reference: string): string {
  const back = typeof req.body?.back === "string" ? req.body.back : "";
  return back.startsWith(`/incidents/${reference}`) && !back.startsWith("//") ? back : `/incidents/${reference}`;
}

export function createProposalHandlers(deps: Deps) {
  return {
    /** Accept the status the work proposes, or keep the current one. */
    async answer(req: Request, res: Response) {
      const input = parseInput(proposalAnswerSchema, req.body);
      const incident = await answerStatusProposal(deps, String(req.params.ref), input, actorOf(req, res));
      const label = statusLabels[incident.status as IncidentStatus].toLowerCase();
      flash(
        req,
        "success",
        input.answer === "accept" ? `${incident.reference} is now ${label}.` : `${incident.reference} stays ${label}.`,
      );
      res.redirect(303, backTo(req, incident.reference));
    },
  };
}
