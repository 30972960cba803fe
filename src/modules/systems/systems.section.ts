import { isAllowed } from "../../web/access.js";
import type { IncidentSection } from "../../web/incident-section.js";
import type { Role } from "../users/index.js";
import { systemStatuses, systemStatusLabels } from "./systems.schemas.js";
import { loadSystems } from "./systems.service.js";

/**
 * "Affected systems": each system with its status and the timeline events linked to it
 * (instants in the viewer's zone, like the rest of the page); managers get the add form and edit
 * links. The partial reads everything from one local, systemsSection.
 */
export const systemsSection: IncidentSection = {
  id: "systems",
  title: "Affected systems",
  view: "incidents/sections/systems",
  async load(deps, incident, viewer) {
    return {
      systemsSection: {
        incident,
        systems: await loadSystems(deps, incident, viewer.timeZone),
        statuses: systemStatuses,
        statusLabels: systemStatusLabels,
        canEdit: isAllowed(viewer.role as Role, "manager"),
      },
    };
  },
};
