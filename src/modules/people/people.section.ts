import { isAllowed } from "../../web/access.js";
import type { IncidentSection } from "../../web/incident-section.js";
import type { Role } from "../users/index.js";
import { listImportsOfIncident } from "./import-record.service.js";
import { countPeopleForSection } from "./people-browse.service.js";
import { describeUploadLimit } from "./people-upload.middleware.js";
import { countOutstandingRejectedRows } from "./rejected-rows.service.js";

/**
 * "People": how many affected people the incident has (with and without email, at risk, the
 * top ten countries and regions), the rejected rows still not imported, its recent imports
 * with their status, and for managers the upload form. The partial reads everything from one local, peopleSection.
 */
export const peopleSection: IncidentSection = {
  id: "people",
  title: "People",
  view: "incidents/sections/people",
  async load(deps, incident, viewer) {
    const [counts, imports, notImported] = await Promise.all([
      countPeopleForSection(deps, incident),
      listImportsOfIncident(deps, incident, 10),
      countOutstandingRejectedRows(deps.db.prisma, incident.id),
    ]);
    return {
      peopleSection: {
        incident,
        counts,
        notImported,
        imports,
        canEdit: isAllowed(viewer.role as Role, "manager"),
        viewerZone: viewer.timeZone,
        uploadLimit: describeUploadLimit(deps.config.PEOPLE_UPLOAD_MAX_MIB),
      },
    };
  },
};
