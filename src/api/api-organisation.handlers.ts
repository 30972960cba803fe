import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { parseInput } from "../lib/validation.js";
import {
  applicabilityBodySchema,
  applicabilityJson,
  describeSender,
  loadApplicability,
  loadIncidentOrganisationPage,
  loadProfilePage,
  type NoticeSender,
  overrideSchema,
  profileSchema,
  type SenderReadiness,
  saveApplicability,
  saveIncidentOrganisation,
  saveProfile,
} from "../modules/organisation/index.js";
import { apiActor } from "./api-auth.js";

function senderBody(sender: NoticeSender | null) {
  return sender ? { from: sender.from, replyTo: sender.replyTo, text: describeSender(sender) } : null;
}

function readinessBody(readiness: SenderReadiness | null) {
  return readiness ? { ...readiness, checkedAt: readiness.checkedAt.toISOString() } : null;
}

/** The organisation's profile and an incident's own sender, as JSON: what the two pages show and save. */
export function createApiOrganisationHandlers(deps: Deps) {
  const organisationBody = async () => {
    const page = await loadProfilePage(deps);
    return {
      profile: page.profile,
      updatedAt: page.updatedAt?.toISOString() ?? null,
      sender: senderBody(page.sender),
      readiness: readinessBody(page.readiness),
    };
  };
  const incidentBody = async (reference: string) => {
    const page = await loadIncidentOrganisationPage(deps, reference);
    return {
      reference: page.incident.reference,
      own: page.own,
      organisation: page.organisation,
      sender: senderBody(page.sender),
      readiness: readinessBody(page.readiness),
    };
  };

  return {
    async show(_req: Request, res: Response) {
      res.json(await organisationBody());
    },

    async save(req: Request, res: Response) {
      await saveProfile(deps, parseInput(profileSchema, req.body), apiActor(req, res));
      res.json(await organisationBody());
    },

    async showApplicability(_req: Request, res: Response) {
      res.json(applicabilityJson(await loadApplicability(deps.db.prisma)));
    },

    async saveApplicability(req: Request, res: Response) {
      const values = await saveApplicability(deps, parseInput(applicabilityBodySchema, req.body ?? {}), apiActor(req, res));
      res.json(applicabilityJson(values));
    },

    async showIncident(req: Request, res: Response) {
      res.json(await incidentBody(String(req.params.ref)));
    },

    async saveIncident(req: Request, res: Response) {
      const { incident } = await saveIncidentOrganisation(
        deps,
        String(req.params.ref),
        parseInput(overrideSchema, req.body),
        apiActor(req, res),
      );
      res.json(await incidentBody(incident.reference));
    },
  };
}
