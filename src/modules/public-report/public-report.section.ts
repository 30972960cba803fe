import type { IncidentSection } from "../../web/incident-section.js";
import { loadReportSummary } from "./public-report.service.js";

/**
 * "Public report" on the regulators page: whether the incident's public report is published,
 * which version and where, with a link to its editor. The partial reads one local, publicReportSection.
 */
export const publicReportSection: IncidentSection = {
  id: "public-report",
  title: "Public report",
  view: "public-report/section",
  async load(deps, incident) {
    return { publicReportSection: { incident, ...(await loadReportSummary(deps, incident.id)) } };
  },
};
