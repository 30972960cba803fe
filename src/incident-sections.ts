import { actionsSection } from "./modules/actions/actions.section.js";
import { assessmentSection } from "./modules/assessments/assessments.section.js";
import { campaignsSection } from "./modules/campaigns/campaigns.section.js";
import { dataSection } from "./modules/data-categories/incident-data.section.js";
import { noticesSection } from "./modules/notices/notices.section.js";
import { deadlinesSection } from "./modules/obligations/deadlines.section.js";
import { peopleSection } from "./modules/people/people.section.js";
import { systemsSection } from "./modules/systems/systems.section.js";
import { timelineSection } from "./modules/timeline/timeline.section.js";
import type { IncidentSection } from "./web/incident-section.js";

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
