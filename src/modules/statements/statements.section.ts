import { isAllowed } from "../../web/access.js";
import type { IncidentSection } from "../../web/incident-section.js";
import type { Role } from "../users/index.js";
import { listIncidentStatements } from "./statement-list.service.js";

/**
 * "Statements to regulators": for each regulator rule applied, its statement (version, submitted
 * or draft, the items still missing) or, for managers, a button that drafts it from the record.
 * The partial reads everything from one local, statementsSection.
 */
export const statementsSection: IncidentSection = {
  id: "statements",
  title: "Statements to regulators",
  view: "incidents/sections/statements",
  async load(deps, incident, viewer) {
    return {
      statementsSection: {
        incident,
        rows: await listIncidentStatements(deps, incident),
        canEdit: isAllowed(viewer.role as Role, "manager"),
      },
    };
  },
};
