import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderRefusal } from "../../web/forms.js";
import { ENTITY_TYPES } from "../deadlines/index.js";
import { overrideSchema, profileSchema } from "./organisation.schemas.js";
import {
  loadIncidentOrganisationPage,
  loadProfilePage,
  saveApplicability,
  saveIncidentOrganisation,
  saveProfile,
} from "./organisation.service.js";
import { type ApplicabilityValues, describeApplicability, ENTITY_TYPE_GROUPS } from "./organisation-applicability.policy.js";
import { applicabilityFormSchema } from "./organisation-applicability.schemas.js";
import { fieldLabels, overrideFields } from "./organisation-profile.policy.js";

const PROFILE_VIEW = "organisation/profile";
const INCIDENT_VIEW = "organisation/incident";

/** The organisation's profile page (administrators edit, managers read) and an incident's own sender page. */
export function createOrganisationHandlers(deps: Deps) {
  const viewerZone = (res: Response) => currentUser(res)?.timeZone ?? "UTC";
  const profileLocals = async (res: Response, values?: Record<string, string>, reach?: Record<string, unknown>) => {
    const page = await loadProfilePage(deps);
    return {
      title: "Organisation",
      ...page,
      fieldLabels,
      values: values ?? page.profile,
      viewerZone: viewerZone(res),
      reach: reach ?? reachFormValues(page.applicability),
      reachWords: describeApplicability(page.applicability),
      entityTypeGroups: ENTITY_TYPE_GROUPS,
      entityTypeWords: ENTITY_TYPES,
    };
  };
  const incidentLocals = async (req: Request, res: Response, values?: Record<string, string>) => {
    const page = await loadIncidentOrganisationPage(deps, String(req.params.ref));
    return {
      title: `Sender and contact · ${page.incident.reference}`,
      ...page,
      fieldLabels,
      overrideFields,
      values: values ?? page.own,
      viewerZone: viewerZone(res),
    };
  };

  return {
    async showProfile(_req: Request, res: Response) {
      res.render(PROFILE_VIEW, { ...(await profileLocals(res)), fieldErrors: {} });
    },

    async saveProfile(req: Request, res: Response) {
      try {
        await saveProfile(deps, parseInput(profileSchema, req.body), actorOf(req, res));
        flash(req, "success", "The organisation's profile is saved: notices and campaigns started from now on use it.");
        res.redirect(303, "/admin/organisation");
      } catch (error) {
        await renderRefusal(res, PROFILE_VIEW, error, () => profileLocals(res, formValues(req)));
      }
    },

    async saveApplicability(req: Request, res: Response) {
      try {
        await saveApplicability(deps, parseInput(applicabilityFormSchema, req.body), actorOf(req, res));
        flash(req, "success", "Who the law reaches is saved: every incident's rule suggestions read it from now on.");
        res.redirect(303, "/admin/organisation#applicability");
      } catch (error) {
        await renderRefusal(res, PROFILE_VIEW, error, () => profileLocals(res, undefined, sentReach(req.body)));
      }
    },

    async showIncident(req: Request, res: Response) {
      res.render(INCIDENT_VIEW, { ...(await incidentLocals(req, res)), fieldErrors: {} });
    },

    async saveIncident(req: Request, res: Response) {
      try {
        const input = parseInput(overrideSchema, req.body);
        const { incident } = await saveIncidentOrganisation(deps, String(req.params.ref), input, actorOf(req, res));
        flash(
          req,
          "success",
          `${incident.reference}'s sender and contact point are saved: its campaigns started from now on use them.`,
        );
        res.redirect(303, `/incidents/${incident.reference}/organisation`);
      } catch (error) {
        await renderRefusal(res, INCIDENT_VIEW, error, () => incidentLocals(req, res, formValues(req)));
      }
    },
  };
}

/** The form's values from what is saved: codes and amount as text, the offers as "yes", "no" or "". */
function reachFormValues(v: ApplicabilityValues) {
  const tri = (b: boolean | null) => (b === null ? "" : b ? "yes" : "no");
  return {
    establishedIn: v.establishedIn?.join(", ") ?? "",
    entityTypes: v.entityTypes ?? [],
    annualTurnover: v.annualTurnover ? String(v.annualTurnover.amount) : "",
    turnoverCurrency: v.annualTurnover?.currency ?? "AUD",
    offersToEU: tri(v.offersToEU),
    offersToUK: tri(v.offersToUK),
  };
}

/** What the refused form sent, to show it again as sent. */
function sentReach(body: Record<string, unknown> | undefined) {
  const text = (k: string) => (typeof body?.[k] === "string" ? (body[k] as string) : "");
  const types = body?.entityTypes;
  return {
    establishedIn: text("establishedIn"),
    entityTypes: Array.isArray(types) ? types.map(String) : typeof types === "string" ? [types] : [],
    annualTurnover: text("annualTurnover"),
    turnoverCurrency: text("turnoverCurrency"),
    offersToEU: text("offersToEU"),
    offersToUK: text("offersToUK"),
  };
}
