import { isAllowed } from "../../web/access.js";
import type { IncidentSection } from "../../web/incident-section.js";
import type { Role } from "../users/index.js";
import { actionStatuses, actionStatusLabels } from "./action-status.policy.js";
import { listPossibleOwners, loadActions } from "./actions.service.js";

/**
 * "Remedial actions": each action with owner, due day and status; overdue ones (per the app's
 * clock) carry an "Overdue" label and are counted above the list. Managers get the add form.
 * The partial reads everything from one local, actionsSection.
 */
export const actionsSection: IncidentSection = {
  id: "actions",
  title: "Remedial actions",
  view: "incidents/sections/actions",
  async load(deps, incident, viewer) {
    const canEdit = isAllowed(viewer.role as Role, "manager");
    const actions = await loadActions(deps, incident);
    return {
      actionsSection: {
        incident,
        actions,
        overdueCount: actions.filter((a) => a.isOverdue).length,
        owners: canEdit ? await listPossibleOwners(deps) : [],
        statuses: actionStatuses,
        statusLabels: actionStatusLabels,
        canEdit,
        viewerZone: viewer.timeZone,
      },
    };
  },
};
