import type { Deps } from "./deps.js";
import type { Incident, User } from "./generated/sqlite/client.js";
import { actionsSection } from "./modules/actions/actions.section.js";
import { assessmentSection } from "./modules/assessments/assessments.section.js";
import { campaignsSection } from "./modules/campaigns/campaigns.section.js";
import { dataSection } from "./modules/data-categories/incident-data.section.js";
import { evidenceFilesSection } from "./modules/evidence/evidence.section.js";
import { accessSection } from "./modules/incidents/incident-access.section.js";
import { noticesSection } from "./modules/notices/notices.section.js";
import { deadlinesSection, loadDeadlinesSection } from "./modules/obligations/deadlines.section.js";
import { peopleSection } from "./modules/people/people.section.js";
import { loadReportSummary } from "./modules/public-report/index.js";
import { publicReportSection } from "./modules/public-report/public-report.section.js";
import { retentionSection } from "./modules/retention/retention.section.js";
import { statementsSection } from "./modules/statements/statements.section.js";
import { systemsSection } from "./modules/systems/systems.section.js";
import { timelineSection } from "./modules/timeline/timeline.section.js";
import type { ObligationFact, WorkspaceFacts } from "./modules/workspace/index.js";
import type { IncidentSection, WorkspacePage } from "./web/incident-section.js";

/**
 * The pages of the incident workspace, in the order of its tabs, each with the sections it
 * shows. Each domain module supplies its sections; this list says where they go. The overview,
 * the regulators page and the evidence page have content of their own (views/incidents/workspace).
 */
export const workspacePages: WorkspacePage[] = [
  {
    slug: "",
    label: "Overview",
    title: "Overview",
    intro: "Where the incident stands and what to do next.",
    sections: [],
    anchorPrefixes: ["overview", "status"],
  },
  {
    slug: "timeline",
    label: "Timeline",
    title: "Timeline and actions",
    intro: "What happened and when, and the remedial actions with their owners.",
    sections: [timelineSection, actionsSection],
    anchorPrefixes: ["event-", "action-"],
  },
  {
    slug: "scope",
    label: "Scope",
    title: "Scope: systems, data and people",
    intro: "The systems involved, the kinds of personal data, and the affected people.",
    sections: [systemsSection, dataSection, peopleSection],
    anchorPrefixes: ["system-", "data-"],
  },
  {
    slug: "assessment",
    label: "Assessment",
    title: "Assessment and decision",
    intro: "The risk assessment, and the decision whether the breach is notifiable.",
    sections: [assessmentSection],
    anchorPrefixes: ["decision", "current-"],
  },
  {
    slug: "deadlines",
    label: "Deadlines",
    title: "Deadlines",
    intro: "The regulators' rules that apply, their clocks and what is due when.",
    sections: [deadlinesSection],
    anchorPrefixes: ["obligation-", "suggest-", "clock-"],
  },
  {
    slug: "notifications",
    label: "Notices",
    title: "Notices and campaigns",
    intro: "The notice to the affected people and the campaigns that send it.",
    sections: [noticesSection, campaignsSection],
    anchorPrefixes: ["template-", "campaign-"],
  },
  {
    slug: "regulators",
    label: "Regulators",
    title: "Regulators and public",
    intro: "What the regulators are told, and what the public is.",
    sections: [statementsSection, publicReportSection],
    anchorPrefixes: ["regulator", "public-report"],
  },
  {
    slug: "evidence",
    label: "Evidence",
    title: "Evidence and audit",
    intro: "The record that shows what was done: every change in words, and the files a regulator may ask for.",
    sections: [evidenceFilesSection, retentionSection, accessSection],
    anchorPrefixes: ["audit", "evidence"],
  },
];

/** Every section, in the order of the pages. */
export const incidentSections: IncidentSection[] = workspacePages.flatMap((page) => page.sections);

type Data = Record<string, unknown>;
const objectOf = (value: unknown): Data => (value && typeof value === "object" ? (value as Data) : {});
const listOf = (value: unknown): Data[] => (Array.isArray(value) ? (value as Data[]) : []);
const countOf = (value: unknown): number => (typeof value === "number" ? value : 0);

/**
 * What the overview's next steps are computed from, read through the sections that show it
 * (deadlines, assessment, people, notices, campaigns, actions), and the obligations as the
 * deadlines section describes them. The statuses the incident may move to are the caller's.
 */
export async function loadOverviewFacts(deps: Deps, incident: Incident, viewer: User) {
  const [deadlines, assessment, people, notices, campaigns, actions, publicReport] = await Promise.all([
    loadDeadlinesSection(deps, incident, viewer),
    assessmentSection.load(deps, incident, viewer),
    peopleSection.load(deps, incident, viewer),
    noticesSection.load(deps, incident, viewer),
    campaignsSection.load(deps, incident, viewer),
    actionsSection.load(deps, incident, viewer),
    loadReportSummary(deps, incident.id),
  ]);
  const factOf = new Map(deadlines.factTable.map((row) => [row.code, row.fact]));
  const obligations: ObligationFact[] = deadlines.deadlines.map((d) => ({
    id: d.obligation.id,
    ruleId: d.rule.id,
    obligation: d.rule.obligation,
    notify: d.rule.notify,
    isOutstanding: d.isOutstanding,
    urgentAt: d.urgentAt,
    isOverdue: d.timeLeft?.isOverdue ?? false,
    timeLeft: d.timeLeft?.text ?? null,
    waitingFor: d.waitingFor && { ...d.waitingFor, startsFrom: factOf.get(d.waitingFor.code) ?? null },
  }));
  const decision = listOf(assessment.decisions)[0];
  const facts: Omit<WorkspaceFacts, "nextStatuses"> = {
    status: incident.status,
    hasAssessment: listOf(assessment.assessments).length > 0,
    decision: decision ? { isNotifiable: decision.isNotifiable === true } : null,
    obligations,
    peopleCount: countOf(objectOf(objectOf(people.peopleSection).counts).total),
    noticeTemplateCount: listOf(objectOf(notices.noticesSection).templates).length,
    campaigns: listOf(objectOf(campaigns.campaignsSection).campaigns).map((row) => {
      const campaign = objectOf(row.campaign);
      return { id: String(campaign.id ?? ""), name: String(campaign.name ?? ""), status: String(campaign.status ?? "") };
    }),
    overdueActionCount: countOf(objectOf(actions.actionsSection).overdueCount),
    publicReport: { isPublished: publicReport.isPublished, version: publicReport.version, hasDraft: publicReport.hasDraft },
  };
  return { facts, deadlines: deadlines.deadlines };
}

/** The obligations to tell a regulator or the public (the media), as the deadlines section describes them, most urgent first. */
export async function loadRegulatorObligations(deps: Deps, incident: Incident, viewer: User) {
  const { deadlines } = await loadDeadlinesSection(deps, incident, viewer);
  return deadlines.filter((d) => d.rule.notify === "regulator" || d.rule.notify === "media");
}
