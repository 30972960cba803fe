// The items each regulator's law asks a statement to carry, per regime, with the words each is
// drafted from (statement-record.policy.ts). Australia: Privacy Act 1988 s 26WK(3) (a)-(d) and
// (4), and the questions of the OAIC's Notifiable Data Breach form (forms.business.gov.au,
// formCode OAIC-NDB: part one the s 26WK statement, part two when it occurred and was discovered,
// its cause and kind, how many individuals, the kinds of information by group, containment and
// how individuals are notified). GDPR and UK GDPR Art. 33(3) (a)-(d), 33(4) phasing and 33(1)
// reasons for delay. NIS2 Art. 23(4): early warning, incident notification, final report. Any
// other regulator rule: its own content items. Pure; see docs/decisions/0015.
import type { Rule } from "../deadlines/index.js";
import type { StatementRecord } from "./statement-record.policy.js";
import * as D from "./statement-record.policy.js";

/** One item of a statement: what the law asks, where it says so, and its draft. */
export interface StatementField {
  key: string;
  label: string;
  citation: string;
  /** The law asks for it: an empty value is named as missing. */
  isRequired: boolean;
  /** A long text (a textarea), or one line. */
  isLong: boolean;
  /** When set, the value is one of these codes (or, with isMulti, several separated by commas). */
  choices?: { value: string; label: string }[];
  isMulti?: boolean;
  draft: (r: StatementRecord) => string;
}

export type StatementKind = "oaic" | "gdpr" | "nis2-early-warning" | "nis2-notification" | "nis2-final" | "generic";

const field = (
  key: string,
  label: string,
  citation: string,
  draft: (r: StatementRecord) => string,
  more: Partial<Pick<StatementField, "isRequired" | "isLong" | "choices" | "isMulti">> = {},
): StatementField => ({ key, label, citation, isRequired: true, isLong: true, draft, ...more });
const line = { isLong: false };
const optional = { isRequired: false };
const blank = () => "";

const entity = (citation: string) => field("entity", "Identity and contact details of the entity", citation, D.draftEntity);
const description = (citation: string) => field("description", "Description of the breach", citation, D.draftDescription);
const kinds = (citation: string) => field("kindsOfInformation", "Kinds of information concerned", citation, D.draftKinds);
const steps = (citation: string, more = {}) =>
  field("recommendedSteps", "Recommended steps for individuals", citation, D.draftRecommendedSteps, more);

export const OAIC_CAUSES = [
  { value: "malicious_attack", label: "Malicious or criminal attack" },
  { value: "human_error", label: "Human error" },
  { value: "system_fault", label: "System fault" },
];
export const OAIC_CAUSE_KINDS = [
  { value: "phishing", label: "Phishing (compromised credentials)" },
  { value: "malware", label: "Malware" },
  { value: "ransomware", label: "Ransomware" },
  { value: "brute_force", label: "Brute-force attack (compromised credentials)" },
  { value: "compromised_credentials", label: "Compromised or stolen credentials (method unknown)" },
  { value: "hacking", label: "Hacking (other means)" },
  { value: "theft", label: "Theft of paperwork or data storage device" },
  { value: "rogue_employee", label: "Rogue employee or insider threat" },
  { value: "social_engineering", label: "Social engineering or impersonation" },
  { value: "wrong_recipient_email", label: "Human error: personal information sent to the wrong recipient (e-mail)" },
  { value: "wrong_recipient_mail", label: "Human error: personal information sent to the wrong recipient (mail)" },
  { value: "unauthorised_disclosure", label: "Human error: unauthorised disclosure (verbal, failure to redact, published)" },
  { value: "lost_device", label: "Human error: loss of paperwork or data storage device" },
  { value: "system_fault", label: "System fault" },
];
export const OAIC_GROUPS = [
  { value: "contact", label: "Contact information" },
  { value: "identity", label: "Identity information" },
  { value: "financial", label: "Financial details" },
  { value: "tfn", label: "Tax file number" },
  { value: "health", label: "Health information" },
  { value: "other_sensitive", label: "Other sensitive information" },
];
export const OAIC_NOTIFY_OPTIONS = [
  { value: "a", label: "s 26WL(2)(a): notify all individuals whose information was involved" },
  { value: "b", label: "s 26WL(2)(b): notify only the individuals at risk of serious harm" },
  { value: "c", label: "s 26WL(2)(c): publish the statement on the website and publicise it (not practicable to notify)" },
];
const FORM = "OAIC Notifiable Data Breach form, part two";

const OAIC_FIELDS: StatementField[] = [
  entity("Privacy Act 1988 s 26WK(3)(a)"),
  description("Privacy Act 1988 s 26WK(3)(b)"),
  kinds("Privacy Act 1988 s 26WK(3)(c)"),
  steps("Privacy Act 1988 s 26WK(3)(d)"),
  field(
    "otherEntities",
    "Other entities involved in the breach, with their contact details",
    "Privacy Act 1988 s 26WK(4)",
    blank,
    optional,
  ),
  field("occurredAt", "When the breach occurred", FORM, D.draftOccurred, line),
  field(
    "discoveredAt",
    "When the breach was discovered",
    FORM,
    (r) => D.formatWhen(r.incident.detectedAt, r.incident.timeZone),
    line,
  ),
  field("cause", "Primary cause", FORM, (r) => D.draftCause(r).cause, { ...line, choices: OAIC_CAUSES }),
  field("causeKind", "Kind of attack, error or fault", FORM, (r) => D.draftCause(r).kind, { ...line, choices: OAIC_CAUSE_KINDS }),
  field("individualsAffected", "Number of individuals affected (exact, or a range)", FORM, D.draftPeopleCount, line),
  field("informationGroups", "Kinds of information, by the form's groups", FORM, D.draftInformationGroups, {
    ...line,
    choices: OAIC_GROUPS,
    isMulti: true,
  }),
  field("containment", "How the breach was contained, and what the entity is doing", FORM, D.draftMeasures),
  field("howNotified", "How individuals are notified", "Privacy Act 1988 s 26WL(2)", (r) => (r.peopleAffected > 0 ? "a" : ""), {
    ...line,
    choices: OAIC_NOTIFY_OPTIONS,
  }),
];

export const GDPR_PHASES = [
  { value: "initial", label: "Initial report (Art. 33(4): further information to follow)" },
  { value: "follow_up", label: "Follow-up report" },
  { value: "complete", label: "Complete report" },
];

function gdprFields(law: string): StatementField[] {
  const a = `${law} Art. 33(3)`;
  return [
    field("phase", "Which report this is", `${law} Art. 33(4)`, () => "initial", { ...line, choices: GDPR_PHASES }),
    entity(`${law} Art. 33(3)(b), Art. 13(1)(a)`),
    description(`${a}(a): the nature of the breach`),
    kinds(`${a}(a): the categories of personal data records`),
    field("peopleAffected", "Approximate number of data subjects concerned", `${a}(a)`, D.draftPeopleCount, line),
    field("peopleCategories", "Categories of data subjects concerned", `${a}(a)`, blank, optional),
    field("recordsAffected", "Approximate number of personal data records concerned", `${a}(a)`, blank, { ...line, ...optional }),
    field("contactPoint", "Data protection officer or other contact point", `${a}(b)`, D.draftContactPoint),
    field("consequences", "Likely consequences of the breach", `${a}(c)`, D.draftConsequences),
    field(
      "measures",
      "Measures taken or proposed, including to mitigate its possible adverse effects",
      `${a}(d)`,
      D.draftMeasures,
    ),
    steps(`${a}(d): measures to mitigate possible adverse effects`, optional),
    field("stillUnknown", "What is not known yet (to follow in a later report)", `${law} Art. 33(4)`, blank, optional),
    field("lateReasons", "Reasons for the delay (after 72 hours)", `${law} Art. 33(1)`, blank),
  ];
}

const NIS2 = "Directive (EU) 2022/2555 (NIS2) Art. 23(4)";
const yesNo = [
  { value: "yes", label: "Yes" },
  { value: "no", label: "No" },
  { value: "unknown", label: "Not known yet" },
];
const NIS2_FIELDS: Record<"nis2-early-warning" | "nis2-notification" | "nis2-final", StatementField[]> = {
  "nis2-early-warning": [
    entity(`${NIS2}(a)`),
    description(`${NIS2}(a)`),
    field(
      "maliciousSuspected",
      "Suspected to be caused by unlawful or malicious acts",
      `${NIS2}(a)`,
      (r) => (D.draftCause(r).cause ? "yes" : ""),
      {
        ...line,
        choices: yesNo,
      },
    ),
    field("crossBorder", "Could have a cross-border impact", `${NIS2}(a)`, blank, { ...line, choices: yesNo }),
  ],
  "nis2-notification": [
    entity(`${NIS2}(b)`),
    field("earlyWarningUpdate", "Update of the early warning", `${NIS2}(b)`, D.draftDescription),
    field("severityAndImpact", "Initial assessment, with its severity and impact", `${NIS2}(b)`, D.draftConsequences),
    field("indicatorsOfCompromise", "Indicators of compromise, where available", `${NIS2}(b)`, blank, optional),
  ],
  "nis2-final": [
    entity(`${NIS2}(d)`),
    field("description", "Detailed description, with its severity and impact", `${NIS2}(d)(i)`, D.draftDescription),
    field("rootCause", "Type of threat or root cause", `${NIS2}(d)(ii)`, (r) => D.draftCause(r).kind),
    field("measures", "Applied and ongoing mitigation measures", `${NIS2}(d)(iii)`, D.draftMeasures),
    field("crossBorder", "Cross-border impact, where applicable", `${NIS2}(d)(iv)`, blank, optional),
  ],
};

/** Which item a rule's own content line asks for, by its words: the draft it takes. */
const CONTENT_DRAFTS: [RegExp, (r: StatementRecord) => string][] = [
  [/contact|identity of the|name of the|who to contact|toll-free/i, D.draftEntity],
  [/number|how many|approximate|count/i, D.draftPeopleCount],
  [/categor|kinds? of|types? of (personal )?(information|data)|elements|data involved/i, D.draftKinds],
  [/step|recommend|advice|protect themselves/i, D.draftRecommendedSteps],
  [/measure|mitigat|remed|contain|action taken/i, D.draftMeasures],
  [/consequence|harm|impact|risk/i, D.draftConsequences],
  [/date|when|time/i, D.draftOccurred],
  [/descri|nature|circumstance|what happened|cause/i, D.draftDescription],
];

function genericFields(rule: Pick<Rule, "id" | "content" | "citations">): StatementField[] {
  const law = rule.citations[0] ? `${rule.citations[0].law} ${rule.citations[0].section}`.trim() : rule.id;
  const own = rule.content.map((item, i) => {
    const isOptional = /^optional\b|where (available|applicable|possible)|if (any|known|applicable)/i.test(item);
    const draft = CONTENT_DRAFTS.find(([re]) => re.test(item))?.[1] ?? blank;
    return field(`item${i + 1}`, item.charAt(0).toUpperCase() + item.slice(1), law, draft, isOptional ? optional : {});
  });
  if (own.length > 0) return [entity(law), description(law), ...own];
  // The pack records no content items for this rule (many US state rules): what regulators
  // usually ask, offered as optional, so nothing is named missing that the law may not ask.
  const usual = "Not listed in the rule pack: what regulators usually ask";
  return [
    entity(law),
    description(law),
    field("kindsOfInformation", "Kinds of information concerned", usual, D.draftKinds, optional),
    field("peopleAffected", "Number of people affected", usual, D.draftPeopleCount, { ...line, ...optional }),
    field("measures", "Measures taken or proposed", usual, D.draftMeasures, optional),
    field("recommendedSteps", "Recommended steps for individuals", usual, D.draftRecommendedSteps, optional),
  ];
}

/** Which statement a rule takes, by its id and regime. */
export function statementKindOf(rule: Pick<Rule, "id" | "regimeCode">): StatementKind {
  if (rule.id === "AU-NDB-oaic") return "oaic";
  if (rule.id === "EU-GDPR-33" || rule.id === "GB-UKGDPR-33") return "gdpr";
  if (rule.id === "EU-NIS2-early-warning") return "nis2-early-warning";
  if (rule.id === "EU-NIS2-notification") return "nis2-notification";
  if (rule.id === "EU-NIS2-final") return "nis2-final";
  return "generic";
}

/** The rule a NIS2 report follows (the notification follows the early warning, the final report the notification). */
export function followsRuleOf(ruleId: string): string | null {
  if (ruleId === "EU-NIS2-notification") return "EU-NIS2-early-warning";
  if (ruleId === "EU-NIS2-final") return "EU-NIS2-notification";
  return null;
}

/** The items of a rule's statement, in order. */
export function statementFieldsOf(rule: Pick<Rule, "id" | "regimeCode" | "content" | "citations">): StatementField[] {
  const kind = statementKindOf(rule);
  if (kind === "oaic") return OAIC_FIELDS;
  if (kind === "gdpr") return gdprFields(rule.id.startsWith("GB-") ? "UK GDPR" : "GDPR (EU) 2016/679");
  if (kind === "generic") return genericFields(rule);
  return NIS2_FIELDS[kind];
}
