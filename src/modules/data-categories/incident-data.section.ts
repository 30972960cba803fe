import { isAllowed } from "../../web/access.js";
import type { IncidentSection } from "../../web/incident-section.js";
import type { Role } from "../users/index.js";
import { sensitivityLabels } from "./catalogue.policy.js";
import { encryptionLabels, encryptionStates } from "./data-categories.schemas.js";
import { loadIncidentData } from "./incident-data.service.js";

/**
 * "Personal data involved": the categories an incident records, most sensitive first, each
 * with the catalogue's harm note and advice; managers get the add form. The partial reads
 * everything from one local, dataSection, so it cannot clash with other sections' locals.
 */
export const dataSection: IncidentSection = {
  id: "data",
  title: "Personal data involved",
  view: "incidents/sections/data",
  async load(deps, incident, viewer) {
    const { entries, categories } = await loadIncidentData(deps, incident);
    return {
      dataSection: {
        incident,
        entries,
        categories,
        canEdit: isAllowed(viewer.role as Role, "manager"),
        sensitivityLabels,
        encryptionStates,
        encryptionLabels,
      },
    };
  },
};
