import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderRefusal } from "../../web/forms.js";
import { overrideSchema, profileSchema } from "./organisation.schemas.js";
import { loadIncidentOrganisationPage, loadProfilePage, saveIncidentOrganisation, saveProfile } from "./organisation.service.js";
import { fieldLabels, overrideFields } from "./organisation-profile.policy.js";

const PROFILE_VIEW = "organisation/profile";
const INCIDENT_VIEW = "organisation/incident";

/** The organisation's profile page (administrators edit, managers read) and an incident's own sender page. */
export function createOrganisationHandlers(deps: Deps) {
  const viewerZone = (res: Response) => currentUser(res)?.timeZone ?? "UTC";
  const profileLocals = async (res: Response, values?: Record<string, string>) => {
    const page = await loadProfilePage(deps);
    return { title: "Organisation", ...page, fieldLabels, values: values ?? page.profile, viewerZone: viewerZone(res) };
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
