import { assessmentSection } from "../assessments/assessments.section.js";
import type { IncidentSection } from "./incident-section.js";

/** The sections of the incident page, in page order. Each domain module supplies its own. */
export const incidentSections: IncidentSection[] = [assessmentSection];
