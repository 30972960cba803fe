// Which recorded work closes which obligation, and what it records as the outcome (issue 13, item
// 2). Pure: the obligation, its copied rule and the work in; a decision and its words out. The
// service (obligation-closing.service.ts) reads the work and writes the outcome, audited.
import type { Rule } from "../deadlines/index.js";
import { EU_MEMBERS, locationMatch, parseLocation } from "./obligation-suggestions.policy.js";

/** An obligation the work may close: still pending, and no person undid an automatic outcome of it. */
export function isOpenToWork(obligation: { status: string; isAutoCloseHeld: boolean }): boolean {
  return obligation.status === "pending" && !obligation.isAutoCloseHeld;
}

/** Rules whose obligation is to assess within a window (AU-NDB-assess, SG-PDPA-assess): an assessment closes them. */
export function isAssessmentRule(rule: Pick<Rule, "notify" | "obligation">): boolean {
  return rule.notify === "other" && /^assess\b/i.test(rule.obligation);
}

/** Rules whose obligation is to tell the people: their notices' coverage closes them. */
export function isNotifyIndividualsRule(rule: Pick<Rule, "notify">): boolean {
  return rule.notify === "individuals";
}

/** A risk assessment as the closing reads it. */
export interface AssessmentWork {
  id: string;
  assessedAt: Date;
  assessedBy: string;
  seriousHarmLikely: string;
}

/**
 * Whether an assessment closes an assessment-window obligation: it reached a conclusion (serious
 * harm likely or unlikely, not "not yet known") within the window (at or before dueAt). One
 * recorded after the deadline does not: met late needs a person's reasons.
 */
export function assessmentCloses(
  obligation: { dueAt: Date | null },
  assessment: AssessmentWork,
): { closes: true } | { closes: false; why: string } {
  if (assessment.seriousHarmLikely === "unknown") {
    return { closes: false, why: "The assessment does not say yet whether serious harm is likely." };
  }
  if (obligation.dueAt && assessment.assessedAt.getTime() > obligation.dueAt.getTime()) {
    return {
      closes: false,
      why: "The assessment was recorded after the deadline: record the outcome with the reasons for the delay.",
    };
  }
  return { closes: true };
}

/**
 * The people an obligation to tell them concerns: everyone affected when the organisation is in
 * the rule's jurisdiction (its law covers all the people whose data it holds), else the people
 * living there (a US state's rule reaches its residents). EU rules reach the member states.
 */
export function peopleScopeOf(rule: Pick<Rule, "jurisdiction">, location: string): { places?: string[] } {
  if (locationMatch(rule.jurisdiction, parseLocation(location))) return {};
  if (rule.jurisdiction === "EU") return { places: [...EU_MEMBERS] };
  if (["US-HHS", "US-SEC", "US-FTC"].includes(rule.jurisdiction)) return { places: ["US"] };
  if (rule.jurisdiction === "US-NY-DFS") return { places: ["US-NY"] };
  return { places: [rule.jurisdiction] };
}

/** What the outcome of an obligation met by the work says. */
export interface WorkOutcome {
  metAt: Date;
  metHow: string;
  metReference: string;
  evidenceNote: string;
  /** assessment:<id>, coverage, statement:<id> */
  metBy: string;
}

/** The outcome an assessment gives an assessment-window obligation. */
export function assessmentOutcome(assessment: AssessmentWork): WorkOutcome {
  const harm = assessment.seriousHarmLikely === "likely" ? "likely" : "unlikely";
  return {
    metAt: assessment.assessedAt,
    metHow: "Risk assessment recorded in Breachdesk",
    metReference: "",
    evidenceNote: `The risk assessment by ${assessment.assessedBy} concluded that serious harm is ${harm}.`,
    metBy: `assessment:${assessment.id}`,
  };
}

/** Coverage of the people an obligation concerns, as the ledger counts it. */
export interface CoverageWork {
  affected: number;
  told: number;
  byEmail: number;
  anotherWay: number;
  isComplete: boolean;
}

/** The outcome complete coverage gives an obligation to tell the people. */
export function coverageOutcome(coverage: CoverageWork, now: Date, summaryPath: string): WorkOutcome {
  const n = (x: number) => x.toLocaleString("en");
  return {
    metAt: now,
    metHow: "Every person concerned was told: notices e-mailed, the others told another way",
    metReference: summaryPath,
    evidenceNote: `${n(coverage.told)} of ${n(coverage.affected)} people told (${n(coverage.byEmail)} by e-mail, ${n(coverage.anotherWay)} another way), per the notification ledger.`,
    metBy: "coverage",
  };
}

/** A regulator statement marked submitted (the regulators issue), as the closing reads it. */
export interface StatementWork {
  id: string;
  /** The obligation the statement answers, by rule id (e.g. AU-NDB-oaic). */
  ruleId: string;
  submittedAt: Date;
  /** How it was submitted, e.g. the OAIC's online form. */
  how: string;
  /** The regulator's reference, when one was given. */
  reference: string;
}

/** The outcome a submitted statement gives its obligation. */
export function statementOutcome(statement: StatementWork): WorkOutcome {
  return {
    metAt: statement.submittedAt,
    metHow: statement.how || "Statement submitted to the regulator",
    metReference: statement.reference,
    evidenceNote: "The statement recorded in Breachdesk, marked submitted.",
    metBy: `statement:${statement.id}`,
  };
}

/** The words for what met an obligation automatically, from its metBy. */
export function describeMetBy(metBy: string): string | null {
  if (metBy.startsWith("assessment:")) return "the risk assessment";
  if (metBy === "coverage") return "complete coverage of the people concerned";
  if (metBy.startsWith("statement:")) return "the statement marked submitted";
  return null;
}
