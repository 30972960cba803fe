// Which recorded fact of an incident starts which legal clock: the one mapping table from the
// rule pack's trigger codes (shared/regulations, "trigger_code vocabulary") to what Breachdesk
// records anyway. A rule's clock starts from its fact unless an explicit clock event of its code
// is recorded, which overrides the fact (audited, shown as an override). Pure: facts in, events out.
import { DateTime } from "luxon";
import type { TriggerCode } from "../deadlines/index.js";

/** The recorded facts that can start a clock. */
export type ClockFactKey =
  | "incident.aware_at"
  | "incident.detected_at"
  | "incident.detected_year_end"
  | "decision.notifiable"
  | "decision.material"
  | "statement.prepared";

/** What each fact is, in words, for "Clock started by ...". */
export const CLOCK_FACT_LABELS: Record<ClockFactKey, string> = {
  "incident.aware_at": 'the incident\'s "became aware of a suspected breach" instant',
  "incident.detected_at": 'the incident\'s "detected" instant',
  "incident.detected_year_end": "the end of the calendar year in which the breach was detected",
  "decision.notifiable": "the decision that the breach is notifiable",
  "decision.material": "the decision that the incident is material (SEC)",
  "statement.prepared": "the statement to the regulator marked prepared",
};

/**
 * The mapping table: trigger code -> the fact that starts it, and why (the law's words). Codes not
 * listed start only from an explicit clock event: the fact is not recorded anywhere else
 * (confirmation, classification_as_major, notices and submissions, a ministerial declaration) or
 * the sources disagree (disputed).
 */
export const TRIGGER_FACTS: Partial<Record<TriggerCode, { fact: ClockFactKey; why: string }>> = {
  awareness: {
    fact: "incident.aware_at",
    why: "GDPR and UK GDPR Art. 33, PECR reg. 5A and the other 'after becoming aware' rules count from awareness; the incident's awareness of a suspected breach is the earliest it can be.",
  },
  aware_suspected_breach: {
    fact: "incident.aware_at",
    why: "Privacy Act 1988 s 26WH(1): aware of reasonable grounds to suspect an eligible data breach.",
  },
  awareness_significant_incident: {
    fact: "incident.aware_at",
    why: "NIS2 Art. 23(4): the early warning and notification count from becoming aware of the significant incident.",
  },
  knowledge_incident_affected_personal_data: {
    fact: "incident.aware_at",
    why: "ANPD Res. 15/2024 art. 6: from the controller's knowledge that the incident affected personal data.",
  },
  awareness_security_incident: {
    fact: "incident.aware_at",
    why: "APRA CPS 234 para 35 and the SOCI Act s 30BC/30BD count from becoming aware of the security incident; the incident's awareness of a suspected breach is the earliest it can be.",
  },
  awareness_severe_incident: {
    fact: "incident.aware_at",
    why: "Cyber Resilience Act Art. 14(3)-(4): the early warning and notification count from becoming aware of the severe incident.",
  },
  detection: { fact: "incident.detected_at", why: "The rule counts from detecting the breach." },
  discovery: {
    fact: "incident.detected_at",
    why: "HIPAA 164.404(a)(2) and the state laws: the first day the breach is known (discovered).",
  },
  end_of_calendar_year: {
    fact: "incident.detected_year_end",
    why: "HIPAA 164.408(c): within 60 days after the end of the calendar year in which the breaches were discovered.",
  },
  aware_eligible_breach: {
    fact: "decision.notifiable",
    why: "Privacy Act 1988 s 26WK(1): aware of reasonable grounds to believe there has been an eligible data breach.",
  },
  aware_notifiable_breach: {
    fact: "decision.notifiable",
    why: "Privacy Act 2020 (NZ) s 114: aware that a notifiable privacy breach has occurred.",
  },
  determination: {
    fact: "decision.notifiable",
    why: "PIPEDA, NYDFS and the state laws count from determining the breach occurred; by the notifiable decision at the latest it was determined (record a clock event when it was earlier).",
  },
  assessment_completed: {
    fact: "decision.notifiable",
    why: "PDPA (SG) s 26D: from assessing that the breach is notifiable.",
  },
  awareness_risk_of_serious_injury: {
    fact: "decision.notifiable",
    why: "Québec P-39.1 s 3.5: once the incident is found to present a risk of serious injury.",
  },
  materiality_determination: {
    fact: "decision.material",
    why: "SEC Form 8-K Item 1.05: four business days after the registrant determines the incident is material.",
  },
  statement_prepared: {
    fact: "statement.prepared",
    why: "Privacy Act 1988 s 26WL(3): individuals are told as soon as practicable after the s 26WK statement is prepared.",
  },
};

/** A decision as the clocks read it. */
export interface DecisionFact {
  id: string;
  isNotifiable: boolean;
  /** true material, false not material, null not determined by this decision. */
  isMaterial: boolean | null;
  decidedAt: Date;
  recordedAt: Date;
}

/** What the clocks read of an incident. */
export interface IncidentClockFacts {
  awareAt: Date | null;
  detectedAt: Date | null;
  timeZone: string;
  decisions?: DecisionFact[];
  /** The regulator statement marked prepared (the regulators issue); absent until it exists. */
  statementPrepared?: { id: string; at: Date; zone: string } | null;
}

/** A fact's instant, with the record it comes from (a decision's id; "" for the incident's own fields). */
export interface ClockFact {
  key: ClockFactKey;
  at: Date;
  zone: string;
  recordId: string;
}

/**
 * The instant a run of decisions started holding: when the newest decision that answers holds
 * `value`, the earliest decidedAt of the unbroken run of such answers ending with it (restating
 * the decision does not restart the clock; a decision against it does).
 */
function heldSince(decisions: DecisionFact[], answer: (d: DecisionFact) => boolean | null): DecisionFact | null {
  const answering = decisions.filter((d) => answer(d) !== null).sort((a, b) => +a.recordedAt - +b.recordedAt);
  let lastAgainst = -1;
  answering.forEach((d, i) => {
    if (answer(d) === false) lastAgainst = i;
  });
  const run = answering.slice(lastAgainst + 1);
  if (run.length === 0) return null;
  // Within the run the earliest decidedAt counts: a later record may state an earlier decision.
  return run.reduce((a, b) => (+b.decidedAt < +a.decidedAt ? b : a));
}

/** Every fact the incident has recorded, by key. */
export function clockFactsOf(facts: IncidentClockFacts): Map<ClockFactKey, ClockFact> {
  const found = new Map<ClockFactKey, ClockFact>();
  const zone = facts.timeZone;
  if (facts.awareAt) found.set("incident.aware_at", { key: "incident.aware_at", at: facts.awareAt, zone, recordId: "" });
  if (facts.detectedAt) {
    found.set("incident.detected_at", { key: "incident.detected_at", at: facts.detectedAt, zone, recordId: "" });
    const yearEnd = DateTime.fromJSDate(facts.detectedAt, { zone }).endOf("year").toJSDate();
    found.set("incident.detected_year_end", { key: "incident.detected_year_end", at: yearEnd, zone, recordId: "" });
  }
  const decisions = facts.decisions ?? [];
  const notifiable = heldSince(decisions, (d) => d.isNotifiable);
  if (notifiable) {
    found.set("decision.notifiable", { key: "decision.notifiable", at: notifiable.decidedAt, zone, recordId: notifiable.id });
  }
  const material = heldSince(decisions, (d) => d.isMaterial);
  if (material) found.set("decision.material", { key: "decision.material", at: material.decidedAt, zone, recordId: material.id });
  if (facts.statementPrepared) {
    const s = facts.statementPrepared;
    found.set("statement.prepared", { key: "statement.prepared", at: s.at, zone: s.zone, recordId: s.id });
  }
  return found;
}

/** The fact that starts a trigger code's clock, when the incident has recorded it. */
export function factForTrigger(code: string, facts: Map<ClockFactKey, ClockFact>): ClockFact | null {
  const mapping = TRIGGER_FACTS[code as TriggerCode];
  return mapping ? (facts.get(mapping.fact) ?? null) : null;
}
