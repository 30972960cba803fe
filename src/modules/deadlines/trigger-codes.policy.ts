// The events that start a legal clock, named by the `trigger_code` vocabulary of
// shared/regulations/regulations.md. `label` is for managers; `phrase` fits after "30 days after".

export const TRIGGER_CODES = {
  awareness: {
    label: "We became aware of the breach (reasonably certain that personal data were compromised)",
    phrase: "awareness",
  },
  aware_suspected_breach: {
    label: "We became aware of reasonable grounds to suspect a breach that may have to be notified",
    phrase: "awareness of a suspected breach",
  },
  aware_eligible_breach: {
    label: "We had reasonable grounds to believe the breach is an eligible (notifiable) data breach",
    phrase: "awareness of an eligible breach",
  },
  aware_notifiable_breach: {
    label: "We became aware the breach is notifiable (likely to cause serious harm)",
    phrase: "awareness of a notifiable breach",
  },
  awareness_significant_incident: {
    label: "We became aware of a significant incident (NIS2)",
    phrase: "awareness of the significant incident",
  },
  awareness_risk_of_serious_injury: {
    label: "We found the incident presents a risk of serious injury (Québec)",
    phrase: "finding a risk of serious injury",
  },
  discovery: {
    label:
      "We discovered the breach or were told of it (HIPAA: the first day it was known, or would have been with reasonable diligence)",
    phrase: "discovery",
  },
  detection: { label: "We detected the breach or the unauthorised access", phrase: "detection" },
  determination: {
    label: "We determined that a breach occurred (often after investigating)",
    phrase: "determination of the breach",
  },
  confirmation: {
    label: "We confirmed the breach and can identify the information the notice needs",
    phrase: "confirmation of the breach",
  },
  classification_as_major: {
    label: "We classified the ICT incident as major (DORA)",
    phrase: "classification as major",
  },
  materiality_determination: {
    label: "We determined the cybersecurity incident is material (SEC)",
    phrase: "the materiality determination",
  },
  assessment_completed: {
    label: "We completed the assessment and found the breach notifiable",
    phrase: "completing the assessment",
  },
  knowledge_incident_affected_personal_data: {
    label: "We learned that the incident affected personal data",
    phrase: "learning that personal data were affected",
  },
  statement_prepared: {
    label: "We finished preparing the statement about the eligible breach",
    phrase: "completing the statement",
  },
  notice_to_individuals: { label: "We sent the notice to the affected individuals", phrase: "the notice to individuals" },
  after_regulator_notice: { label: "We notified the regulator", phrase: "the notice to the regulator" },
  submission_of_initial_notification: {
    label: "We submitted the initial notification",
    phrase: "submitting the initial notification",
  },
  submission_of_incident_notification: {
    label: "We submitted the incident notification (the 72-hour report)",
    phrase: "submitting the incident notification",
  },
  submission_of_latest_intermediate_report: {
    label: "We submitted the intermediate report (or its latest update)",
    phrase: "submitting the latest intermediate report",
  },
  end_of_calendar_year: {
    label: "The calendar year in which the breaches were discovered ended (enter 31 December)",
    phrase: "the end of the calendar year",
  },
  ministerial_declaration: {
    label: "The Minister made an eligible data breach declaration",
    phrase: "the Minister's declaration",
  },
  awareness_security_incident: {
    label:
      "We became aware of the cyber or information security incident the law names (CPS 234: material; SOCI Act: significant or relevant impact on an asset)",
    phrase: "awareness of the security incident",
  },
  awareness_control_weakness: {
    label: "We became aware of a material information security control weakness we do not expect to remediate in time (CPS 234)",
    phrase: "awareness of the control weakness",
  },
  ransom_payment: {
    label: "We made a ransomware or extortion payment (or learned that one was made on our behalf)",
    phrase: "the ransom payment",
  },
  information_available: {
    label: "Information an earlier filing lacked was determined or became available (SEC Form 8-K/A)",
    phrase: "the information becoming available",
  },
  awareness_exploited_vulnerability: {
    label: "We became aware of an actively exploited vulnerability in a product with digital elements (Cyber Resilience Act)",
    phrase: "awareness of the actively exploited vulnerability",
  },
  awareness_severe_incident: {
    label:
      "We became aware of a severe incident having an impact on the security of a product with digital elements (Cyber Resilience Act)",
    phrase: "awareness of the severe incident",
  },
  corrective_measure_available: {
    label: "A corrective or mitigating measure for the actively exploited vulnerability became available",
    phrase: "the corrective or mitigating measure becoming available",
  },
  breach_occurred: {
    label:
      "The breach (the violation of the data protection rules) occurred, as far as known: Vietnam's Decree 13 counts from it",
    phrase: "the breach occurring",
  },
  regulator_direction: {
    label: "The regulator required us to notify the individuals (Alberta's Commissioner under PIPA s 37.1)",
    phrase: "the regulator's direction",
  },
  disputed: {
    label: "Disputed: the sources disagree on which event starts this clock",
    phrase: "the disputed starting event",
  },
} as const satisfies Record<string, { label: string; phrase: string }>;

export type TriggerCode = keyof typeof TRIGGER_CODES;

/** Every trigger code, in the order of the research's vocabulary. */
export const TRIGGER_CODE_LIST = Object.keys(TRIGGER_CODES) as TriggerCode[];

/** True when a text is one of the trigger codes of the vocabulary. */
export function isTriggerCode(code: string): code is TriggerCode {
  return Object.hasOwn(TRIGGER_CODES, code);
}

/** The plain-English sentence a manager sees for a trigger code. */
export function describeTrigger(code: TriggerCode): string {
  return TRIGGER_CODES[code].label;
}
