import type { IncidentSection } from "../../web/incident-section.js";
import type { Role } from "../users/index.js";
import {
  accessLabels,
  canManageAccess,
  incidentAccessLevels,
  incidentRoleLabels,
  incidentRoles,
} from "./incident-access.policy.js";
import { loadIncidentTeam } from "./incident-access.service.js";

/**
 * "Team and access" on the evidence page (decision 0030): whether the incident is restricted to
 * its team, its members with their role on it, and for its managers the forms that change them.
 * The partial reads one local, teamSection.
 */
export const accessSection: IncidentSection = {
  id: "team",
  title: "Team and access",
  view: "incidents/sections/team",
  async load(deps, incident, viewer) {
    const team = await loadIncidentTeam(deps, incident);
    return {
      teamSection: {
        incident,
        ...team,
        canManage: canManageAccess(viewer.role as Role),
        accessLabels,
        accessLevels: incidentAccessLevels,
        roleLabels: incidentRoleLabels,
        roles: incidentRoles,
      },
    };
  },
};
