import { isAllowed } from "../../web/access.js";
import type { IncidentSection } from "../../web/incident-section.js";
import type { Role } from "../users/index.js";
import { listTemplates } from "./notices.service.js";

/**
 * "Notices": the incident's notice templates with their languages and number of versions, links
 * to each, and for managers the form that starts a new one. The partial reads everything from
 * one local, noticesSection.
 */
export const noticesSection: IncidentSection = {
  id: "notices",
  title: "Notices",
  view: "notices/section",
  async load(deps, incident, viewer) {
    return {
      noticesSection: {
        incident,
        templates: await listTemplates(deps, incident),
        canEdit: isAllowed(viewer.role as Role, "manager"),
        viewerZone: viewer.timeZone,
      },
    };
  },
};
