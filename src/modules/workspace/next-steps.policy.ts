// What to do next on an incident, from what is recorded: the stage it is at, the obligation due
// soonest, what stands in its way, and the one action that moves it. Pure: the workspace's
// overview gathers the facts from the sections and shows what this returns.
import { type StageId, type StageState, stagesOf } from "./progress-line.policy.js";
import type { ObligationFact, WorkspaceFacts } from "./workspace.types.js";

/** A link to the page and form where a step is done. */
export interface StepLink {
  label: string;
  href: string;
}

export interface NextSteps {
  stages: { id: StageId; label: string; state: StageState }[];
  /** The outstanding obligation with the nearest deadline (an overdue one first), or one waiting for its clock. */
  dueSoonest: (ObligationFact & { href: string }) | null;
  /** What stands in the way of the step, in sentences; empty when nothing does. */
  blockers: string[];
  /** The one action that moves the incident on, or null when nothing is left to do. */
  action: (StepLink & { why: string }) | null;
  /** Other things that need attention (overdue remedial actions, other overdue obligations). */
  notes: (StepLink & { text: string })[];
}

const CLOSED = ["closed", "closed_not_notifiable"];
const ACTIVE_CAMPAIGN = ["draft", "scheduled", "sending", "paused"];

/** Where the forms are: the workspace's pages under `base` (/incidents/<ref>) and a few pages of their own. */
function linksOf(base: string) {
  return {
    assessment: `${base}/assessment#assessment`,
    clockEvents: `${base}/deadlines#code`,
    applyRules: `${base}/deadlines#ruleIds`,
    obligation: (id: string) => `${base}/deadlines#obligation-${id}`,
    obligationStatus: (id: string) => `${base}/obligations/${encodeURIComponent(id)}/status`,
    people: `${base}/scope#people`,
    regulators: `${base}/regulators`,
    notices: `${base}/notifications#notices`,
    newCampaign: `${base}/campaigns/new`,
    campaign: (id: string) => `${base}/campaigns/${encodeURIComponent(id)}`,
    otherChannels: `${base}/ledger/other-channels`,
    status: `${base}#status`,
    actions: `${base}/timeline#actions`,
  };
}

/** The outstanding obligation due soonest: an instant before none, the earliest instant first. */
export function dueSoonestOf(obligations: ObligationFact[]): ObligationFact | null {
  const outstanding = obligations.filter((o) => o.isOutstanding);
  const timed = outstanding.filter((o) => o.urgentAt).sort((a, b) => +(a.urgentAt as Date) - +(b.urgentAt as Date));
  return timed[0] ?? outstanding[0] ?? null;
}

/** An internal assessment window (AU-NDB-assess): it notifies no one and asks for an assessment. */
function isAssessmentWindow(o: ObligationFact): boolean {
  return o.notify === "other" && /\bassess/i.test(o.obligation);
}

type Step = { blockers: string[]; action: (StepLink & { why: string }) | null };

/** The step that moves one obligation on. */
function stepFor(o: ObligationFact, facts: WorkspaceFacts, link: ReturnType<typeof linksOf>): Step {
  const markMet = { label: `Record how ${o.ruleId} was met`, href: link.obligationStatus(o.id) };
  if (isAssessmentWindow(o)) {
    if (!facts.hasAssessment) {
      return {
        blockers: ["No risk assessment is recorded."],
        action: { label: "Record the assessment", href: link.assessment, why: `${o.ruleId} asks for the assessment.` },
      };
    }
    return { blockers: [], action: { ...markMet, why: "The assessment is recorded: the obligation can be marked met." } };
  }
  if (!facts.decision) {
    const blockers = [`Whether the breach is notifiable is not decided.`];
    if (!facts.hasAssessment) {
      blockers.unshift("No risk assessment is recorded.");
      return { blockers, action: { label: "Record the assessment", href: link.assessment, why: "The decision rests on it." } };
    }
    return {
      blockers,
      action: { label: "Record the decision", href: link.assessment, why: `${o.ruleId} applies only if it is.` },
    };
  }
  if (!facts.decision.isNotifiable) {
    return {
      blockers: [],
      action: {
        label: `Mark ${o.ruleId} not required`,
        href: link.obligationStatus(o.id),
        why: "The decision says the breach is not notifiable.",
      },
    };
  }
  if (o.waitingFor) {
    const { label, startsFrom } = o.waitingFor;
    if (startsFrom && /\bstatement\b/.test(startsFrom)) {
      return {
        blockers: [`Its clock starts from ${startsFrom}, which is not recorded yet.`],
        action: {
          label: "Prepare the statement to the regulator",
          href: link.regulators,
          why: "Marking it prepared starts the clock.",
        },
      };
    }
    return {
      blockers: [
        startsFrom
          ? `Its clock starts from ${startsFrom}, which is not recorded yet.`
          : `Its clock waits for "${label}", which is not recorded.`,
      ],
      action: { label: `Record "${label}"`, href: link.clockEvents, why: "That starts its clock." },
    };
  }
  if (o.notify === "individuals") return individualsStep(o, facts, link, markMet);
  return {
    blockers: [],
    action: { ...markMet, why: `Once ${o.notify === "regulator" ? "the regulator is" : "they are"} told, record when and how.` },
  };
}

/** Telling the affected people: people, then a notice, then a campaign, then those told another way. */
function individualsStep(o: ObligationFact, facts: WorkspaceFacts, link: ReturnType<typeof linksOf>, markMet: StepLink): Step {
  if (facts.peopleCount === 0) {
    return {
      blockers: ["No affected people are imported."],
      action: { label: "Import the affected people", href: link.people, why: `${o.ruleId} means telling them.` },
    };
  }
  if (facts.noticeTemplateCount === 0) {
    return {
      blockers: ["There is no notice to send."],
      action: { label: "Write the notice", href: link.notices, why: "A campaign sends it." },
    };
  }
  const active = facts.campaigns.find((c) => ACTIVE_CAMPAIGN.includes(c.status));
  if (active) {
    const isSending = active.status === "sending";
    return {
      blockers: isSending ? [] : [`The campaign "${active.name}" is ${active.status}.`],
      action: {
        label: isSending ? `Follow the campaign "${active.name}"` : `Open the campaign "${active.name}"`,
        href: link.campaign(active.id),
        why: isSending ? "Its notices are going out." : "Start it to send the notices.",
      },
    };
  }
  if (!facts.campaigns.some((c) => c.status === "completed")) {
    return {
      blockers: ["No campaign has sent the notice."],
      action: { label: "Start a campaign", href: link.newCampaign, why: "It e-mails the notice to the people." },
    };
  }
  return {
    blockers: [],
    action: {
      label: "Tell the people e-mail did not reach",
      href: link.otherChannels,
      why: `The campaign is complete; record those told another way, then ${markMet.label.toLowerCase()}.`,
    },
  };
}

/** The step when no obligation is outstanding: assess, decide, apply the rules, or close. */
function stepWithoutObligation(facts: WorkspaceFacts, link: ReturnType<typeof linksOf>): Step {
  if (CLOSED.includes(facts.status)) return { blockers: [], action: null };
  if (!facts.hasAssessment && !facts.decision) {
    return {
      blockers: [],
      action: { label: "Record the assessment", href: link.assessment, why: "It is the ground for the decision." },
    };
  }
  if (!facts.decision) {
    return {
      blockers: [],
      action: { label: "Record the decision", href: link.assessment, why: "Notifiable or not decides what follows." },
    };
  }
  if (facts.obligations.length === 0 && facts.decision.isNotifiable) {
    return {
      blockers: ["No regulator's rule is applied, so no deadline is counted."],
      action: { label: "Apply the rules that apply", href: link.applyRules, why: "Each starts a deadline." },
    };
  }
  const closing = facts.decision.isNotifiable ? "closed" : "closed_not_notifiable";
  if (!facts.nextStatuses.includes(closing)) {
    if (facts.decision.isNotifiable && facts.nextStatuses.includes("notifying")) {
      return {
        blockers: [],
        action: { label: "Start notifying", href: link.status, why: "The breach is notifiable; closing comes after." },
      };
    }
    return {
      blockers: [`The incident cannot be closed from its status yet.`],
      action: { label: "Change the status", href: link.status, why: "Move it on to where it can be closed." },
    };
  }
  return {
    blockers: [],
    action: {
      label: facts.decision.isNotifiable ? "Close the incident" : "Close: not notifiable",
      href: link.status,
      why: "Every obligation is met or not required.",
    },
  };
}

/**
 * What to do next on the incident under `base` (/incidents/<ref>): the progress line, the
 * obligation due soonest with what blocks it, the one action that moves it, and notes.
 */
/**
 * The public report: once published, a link to update it; when the decision says no one has to
 * be told, the reminder that the community can be, in a post-incident report (the Apache kind).
 */
function publicReportNotes(facts: WorkspaceFacts, base: string): NextSteps["notes"] {
  const report = facts.publicReport;
  const href = `${base}/public-report`;
  if (report?.isPublished) {
    return [{ text: `The public report is published (version ${report.version}).`, label: "Update the public report", href }];
  }
  if (!report || !facts.decision || facts.decision.isNotifiable || CLOSED.includes(facts.status)) return [];
  return [
    {
      text: "Not notifiable: no one has to be told, but the community can be, in a post-incident report.",
      label: report.hasDraft ? "Edit the public report" : "Write the public report",
      href,
    },
  ];
}

export function computeNextSteps(facts: WorkspaceFacts, base: string): NextSteps {
  const link = linksOf(base);
  const soonest = CLOSED.includes(facts.status) ? null : dueSoonestOf(facts.obligations);
  const step = soonest ? stepFor(soonest, facts, link) : stepWithoutObligation(facts, link);
  const notes: NextSteps["notes"] = [];
  const otherOverdue = facts.obligations.filter((o) => o.isOutstanding && o.isOverdue && o.id !== soonest?.id).length;
  if (otherOverdue > 0) {
    notes.push({
      text: `${otherOverdue} other ${otherOverdue === 1 ? "obligation is" : "obligations are"} overdue.`,
      label: "See the deadlines",
      href: `${base}/deadlines`,
    });
  }
  if (facts.overdueActionCount > 0) {
    notes.push({
      text: `${facts.overdueActionCount} remedial ${facts.overdueActionCount === 1 ? "action is" : "actions are"} overdue.`,
      label: "See the actions",
      href: link.actions,
    });
  }
  notes.push(...publicReportNotes(facts, base));
  return {
    stages: stagesOf(facts),
    dueSoonest: soonest ? { ...soonest, href: link.obligation(soonest.id) } : null,
    blockers: step.blockers,
    action: step.action,
    notes,
  };
}
