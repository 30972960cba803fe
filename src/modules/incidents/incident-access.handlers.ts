import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { accessLabels } from "./incident-access.policy.js";
import { accessInputSchema, memberInputSchema } from "./incident-access.schemas.js";
import { addIncidentMember, canReadIncident, removeIncidentMember, setIncidentAccess } from "./incident-access.service.js";
import { loadIncident } from "./incidents.service.js";

const sectionPath = (reference: string) => `/incidents/${encodeURIComponent(reference)}#team`;

/** The forms of the "Team and access" section: add or change a member, remove one, restrict or open. */
export function createAccessHandlers(deps: Deps) {
  /** A refused form goes back to the section with the message; nothing was saved. */
  function refuse(req: Request, res: Response, error: unknown) {
    if (!(error instanceof AppError) || !["validation", "conflict", "not_found"].includes(error.code)) throw error;
    const detail = Object.values(error.fieldErrors ?? {})[0];
    flash(req, "error", detail && detail !== error.message ? `${error.message} ${detail}` : error.message);
    res.redirect(303, sectionPath(String(req.params.ref)));
  }

  return {
    async addMember(req: Request, res: Response) {
      try {
        const input = parseInput(memberInputSchema, req.body);
        const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
        await addIncidentMember(deps, incident, input, actorOf(req, res));
        flash(req, "success", `${input.email} is on the team as ${input.role}.`);
        res.redirect(303, sectionPath(incident.reference));
      } catch (error) {
        refuse(req, res, error);
      }
    },

    async removeMember(req: Request, res: Response) {
      try {
        const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
        await removeIncidentMember(deps, incident, String(req.params.userId), actorOf(req, res));
        flash(req, "success", "The member is off the team.");
        // Someone who took themselves off a restricted incident can no longer read it.
        const user = currentUser(res);
        const canStillRead = user ? await canReadIncident(deps.db.prisma, user, incident) : false;
        res.redirect(303, canStillRead ? sectionPath(incident.reference) : "/incidents");
      } catch (error) {
        refuse(req, res, error);
      }
    },

    async setAccess(req: Request, res: Response) {
      try {
        const input = parseInput(accessInputSchema, req.body);
        const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
        await setIncidentAccess(deps, incident, input, actorOf(req, res));
        flash(req, "success", `${accessLabels[input.access]}.`);
        res.redirect(303, sectionPath(incident.reference));
      } catch (error) {
        refuse(req, res, error);
      }
    },
  };
}
