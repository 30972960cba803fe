import { actionsSection } from "../actions/actions.section.js";
import { assessmentSection } from "../assessments/assessments.section.js";
import { campaignsSection } from "../campaigns/campaigns.section.js";
import { dataSection } from "../data-categories/incident-data.section.js";
import { noticesSection } from "../notices/notices.section.js";
import { deadlinesSection } from "../obligations/deadlines.section.js";
import { peopleSection } from "../people/people.section.js";
import { systemsSection } from "../systems/systems.section.js";
import { timelineSection } from "../timeline/timeline.section.js";
import type { IncidentSection } from "./incident-section.js";

/** The sections of the incident page, in page order. Each domain module supplies its own. */
export const incidentSections: IncidentSection[] = [
  deadlinesSection,
  timelineSection,
  systemsSection,
  dataSection,
  actionsSection,
  peopleSection,
  noticesSection,
  campaignsSection,
  assessmentSection,
];
