import { isAllowed } from "../../web/access.js";
import type { IncidentSection } from "../../web/incident-section.js";
import type { Role } from "../users/index.js";
import { loadCampaignList } from "./campaign-pages.service.js";

/** How many campaigns the incident page lists; the campaigns page has them all. */
const SHOWN = 5;

/**
 * "Campaigns": the incident's latest campaigns with their status and how many were sent, and for
 * managers the way to a new one. The partial reads everything from one local, campaignsSection.
 */
export const campaignsSection: IncidentSection = {
  id: "campaigns",
  title: "Campaigns",
  view: "campaigns/section",
  async load(deps, incident, viewer) {
    const { campaigns } = await loadCampaignList(deps, incident.reference);
    return {
      campaignsSection: { incident, campaigns: campaigns.slice(0, SHOWN), canEdit: isAllowed(viewer.role as Role, "manager") },
    };
  },
};
