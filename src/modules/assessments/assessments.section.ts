import type { IncidentSection } from "../../web/incident-section.js";
import { describeProposal } from "../incidents/index.js";
import { loadAssessmentSection } from "./assessments.service.js";

/** The risk assessment and decision section: current ones first, then the history. */
export const assessmentSection: IncidentSection = {
  id: "assessment",
  title: "Assessment and decision",
  view: "assessments/section",
  async load(deps, incident, viewer) {
    return {
      ...(await loadAssessmentSection(deps, incident.id)),
      viewerZone: viewer.timeZone,
      proposal: describeProposal(incident),
    };
  },
};
