// The regulator rule pack: one entry per legal obligation, kept as data in rule-pack.json (see
// docs/decisions/0004-rule-pack.md) and validated when this module loads, so a bad edit stops
// the app at boot instead of producing a wrong deadline later.
import { z } from "zod";
import { isValidZone } from "../../lib/instants.js";
import { applicabilitySchema } from "./applicability.schemas.js";
import { isOfficialSourceUrl } from "./official-hosts.policy.js";
import { delayAllowanceSchema } from "./rule-delays.schemas.js";
import packJson from "./rule-pack.json" with { type: "json" };
import { isTriggerCode, type TriggerCode } from "./trigger-codes.policy.js";

export { isOfficialSourceUrl, OFFICIAL_HOSTS } from "./official-hosts.policy.js";

/** Short codes of the regimes outside the US states; a US state or territory is US-<postal code>, e.g. US-CA. */
export const REGIME_CODES = {
  "AU-NDB": "Australia: Privacy Act 1988 Part IIIC, Notifiable Data Breaches scheme",
  "EU-GDPR": "EU: General Data Protection Regulation",
  "GB-UKGDPR": "United Kingdom: UK GDPR and Data Protection Act 2018",
  "GB-PECR": "United Kingdom: Privacy and Electronic Communications Regulations",
  "EU-NIS2": "EU: NIS2 Directive (national transpositions)",
  "EU-DORA": "EU: Digital Operational Resilience Act (financial entities)",
  "US-HIPAA": "United States: HIPAA Breach Notification Rule (HHS)",
  "US-SEC": "United States: SEC Form 8-K Item 1.05 (listed companies)",
  "US-FTC": "United States: FTC Safeguards Rule (non-bank financial institutions)",
  "US-NYDFS": "New York: Department of Financial Services cybersecurity regulation",
  "CA-PIPEDA": "Canada: PIPEDA",
  "CA-QC": "Québec: private-sector privacy act (Law 25)",
  "NZ-PA": "New Zealand: Privacy Act 2020",
  "SG-PDPA": "Singapore: Personal Data Protection Act 2012",
  "JP-APPI": "Japan: Act on the Protection of Personal Information",
  "BR-LGPD": "Brazil: LGPD and ANPD Resolution 15/2024",
  "IN-DPDP": "India: Digital Personal Data Protection Act 2023 and Rules 2025",
  "IN-CERTIN": "India: CERT-In Directions 2022",
  "ZA-POPIA": "South Africa: Protection of Personal Information Act",
  "KR-PIPA": "South Korea: Personal Information Protection Act",
  "CN-PIPL": "China: Personal Information Protection Law",
  "CN-CAC": "China: CAC cybersecurity incident reporting measures (2025)",
  "AU-APRA": "Australia: APRA Prudential Standard CPS 234 Information Security",
  "AU-SOCI": "Australia: Security of Critical Infrastructure Act 2018 Part 2B (cyber security incidents)",
  "AU-CSA": "Australia: Cyber Security Act 2024 Part 3 (ransomware payment reporting)",
  "US-BANK": "United States: bank regulators' computer-security incident notification rule (OCC, Federal Reserve, FDIC)",
  "US-FCC": "United States: FCC breach rule for telecommunications carriers and interconnected VoIP (47 CFR 64.2011)",
  "US-HBNR": "United States: FTC Health Breach Notification Rule (16 CFR Part 318)",
  "US-REGSP": "United States: SEC Regulation S-P (17 CFR 248.30, as amended in 2024)",
  "US-DFARS": "United States: DFARS 252.204-7012 (defense contractors)",
  "US-INS": "US states: insurance data security laws (NAIC Model Law #668)",
  "EU-EPRIVACY": "EU: ePrivacy Directive 2002/58/EC and Regulation (EU) No 611/2013 (public electronic communications providers)",
  "EU-CRA": "EU: Cyber Resilience Act, Regulation (EU) 2024/2847 (manufacturers of products with digital elements)",
  "CH-FADP": "Switzerland: Federal Act on Data Protection (FADP, 2023)",
  "PH-DPA": "Philippines: Data Privacy Act of 2012 and NPC Circular 16-03",
  "TH-PDPA": "Thailand: Personal Data Protection Act B.E. 2562 (2019)",
  "ID-PDP": "Indonesia: Personal Data Protection Law No. 27 of 2022",
  "VN-PDP": "Vietnam: Decree 13/2023/ND-CP and the Law on Personal Data Protection 2025",
  "MY-PDPA": "Malaysia: Personal Data Protection Act 2010 (as amended in 2024)",
  "SA-PDPL": "Saudi Arabia: Personal Data Protection Law and its Implementing Regulation",
  "TR-KVKK": "Türkiye: Personal Data Protection Law No. 6698 (KVKK)",
  "NG-NDPA": "Nigeria: Nigeria Data Protection Act 2023",
  "KE-DPA": "Kenya: Data Protection Act 2019",
  "CO-HD": "Colombia: Statutory Law 1581 of 2012 and the SIC's Circular Única",
  "CA-ON-PHIPA": "Ontario: Personal Health Information Protection Act, 2004",
  "CA-AB-PIPA": "Alberta: Personal Information Protection Act",
} as const;

/** True for a code of REGIME_CODES or a US state or territory code (US-CA, US-DC, US-PR...). */
export function isRegimeCode(code: string): boolean {
  return Object.hasOwn(REGIME_CODES, code) || /^US-[A-Z]{2}$/.test(code);
}

export const DEADLINE_UNITS = ["hours", "calendar_days", "business_days", "months"] as const;
export type DeadlineUnit = (typeof DEADLINE_UNITS)[number];

const text = z.string().min(1);
const triggerCode = z.string().refine(
  (code): code is TriggerCode => isTriggerCode(code),
  (code) => ({ message: `unknown trigger code "${code}"` }),
);
const unit = z.enum(DEADLINE_UNITS, {
  errorMap: () => ({ message: `needs a unit: ${DEADLINE_UNITS.join(", ")}` }),
});
const amount = z
  .number({ required_error: "needs an amount", invalid_type_error: "needs an amount (a number)" })
  .int()
  .nonnegative();
const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "use a date like 2026-03-31")
  .nullable();

/** A second limit counted from another event: the deadline is whichever comes first. */
const limitSchema = z.object({ from: triggerCode, amount, unit }).strict();

const fixedSchema = z
  .object({
    kind: z.literal("fixed"),
    amount: z
      .number({
        required_error: "a fixed deadline needs an amount",
        invalid_type_error: "a fixed deadline needs an amount (a number)",
      })
      .int("a fixed deadline needs a whole amount")
      .positive("a fixed deadline needs a positive amount"),
    unit: z.enum(DEADLINE_UNITS, {
      errorMap: () => ({ message: `a fixed deadline needs a unit: ${DEADLINE_UNITS.join(", ")}` }),
    }),
    standard: text.nullable(),
    /** The number is a maximum: the law's standard ("without undue delay") may require sooner. */
    outerLimit: z.boolean(),
    /** Late notice is allowed with reasons (GDPR style "where feasible"). */
    whereFeasible: z.boolean(),
    /** "exclude": the trigger's day is not counted (the default in the laws researched). */
    startDay: z.enum(["exclude", "include"]),
    countingNote: text.nullable(),
    earlierOf: z.array(limitSchema).optional(),
  })
  .strict();

const asapSchema = z
  .object({
    kind: z.literal("asap"),
    standard: text,
    guidance: z.object({ amount, unit, text }).strict().nullable(),
    countingNote: text.nullable(),
  })
  .strict();

const relativeSchema = z
  .object({
    kind: z.literal("relative"),
    relation: z.enum(["before", "not_later_than", "at_same_time"]),
    otherNotice: triggerCode,
    standard: text,
    /** A fixed maximum counted from the rule's own trigger, where the law sets one too. */
    outerLimit: z.object({ amount, unit }).strict().nullable(),
  })
  .strict();

const noneSchema = z.object({ kind: z.literal("none"), standard: text }).strict();

const citationSchema = z
  .object({
    law: text,
    section: text.nullable(),
    url: z.string().url().nullable(),
    source: text,
    /** The law itself or the regulator's own page; the others are commentary. */
    primary: z.boolean().optional(),
  })
  .strict()
  .refine((c) => !c.primary || (c.url !== null && isOfficialSourceUrl(c.url)), {
    message: "a primary citation needs an address on an official host (OFFICIAL_HOSTS)",
    path: ["url"],
  });

/** The delays and extensions a rule's law allows (decision 0034), their citations checked like the rule's. */
const delaySchema = delayAllowanceSchema(
  citationSchema.refine((c) => c.primary === true, "a delay's citation must be the law itself (primary)"),
);

const ruleSchema = z
  .object({
    id: z.string().regex(/^[A-Z]{2}(-[A-Za-z0-9.]+)+$/, "ids look like EU-GDPR-33"),
    jurisdiction: text,
    regime: text,
    regimeCode: z.string().refine(isRegimeCode, (code) => ({ message: `unknown regime code "${code}"` })),
    obligation: text,
    notify: z.enum(["regulator", "individuals", "media", "other"]),
    party: text,
    trigger: z.object({ code: triggerCode, description: text }).strict(),
    deadline: z.discriminatedUnion("kind", [fixedSchema, asapSchema, relativeSchema, noneSchema]),
    zone: z
      .object({ name: z.string().refine(isValidZone, (zone) => ({ message: `unknown time zone "${zone}"` })), note: text })
      .strict(),
    holidays: z.object({ country: z.string().regex(/^[A-Z]{2}$/), state: z.string().nullable(), note: text }).strict(),
    rollForward: z
      .object({ policy: z.enum(["none", "next_business_day", "noon_next_business_day"]), note: text.nullable() })
      .strict(),
    conditions: text.nullable(),
    exceptions: text.nullable(),
    content: z.array(text),
    citations: z
      .array(citationSchema, { required_error: "needs citations" })
      .min(1, "needs at least one citation")
      .refine((citations) => citations.some((c) => c.primary), "needs a primary citation: the law itself on an official host"),
    inForce: z.object({ text: text.nullable(), from: isoDay, until: isoDay }).strict(),
    confidence: z.enum(["high", "medium", "low"]),
    openQuestions: text.nullable(),
    /** Who the rule binds, as data (decision 0027); absent: not yet recorded, so "maybe". */
    applicability: applicabilitySchema.optional(),
    /** The delays and extensions the law allows, as events (decision 0034); absent: none. */
    delays: z.array(delaySchema).optional(),
  })
  .strict();

export type Rule = z.infer<typeof ruleSchema>;
export type RuleDeadline = Rule["deadline"];

export interface RulePack {
  version: string;
  rules: Rule[];
  byId: ReadonlyMap<string, Rule>;
}

/** A rule pack that failed validation; `problems` names each rule and field at fault. */
export class RulePackError extends Error {
  constructor(readonly problems: string[]) {
    super(`The rule pack is invalid:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "RulePackError";
  }
}

/**
 * Validates raw rule-pack data and indexes it by id; throws a RulePackError listing every
 * problem (no citation, a fixed deadline without amount or unit, an unknown trigger code...).
 */
export function loadRulePack(raw: unknown): RulePack {
  const top = z.object({ version: text, source: text.optional(), rules: z.array(z.unknown()) }).safeParse(raw);
  if (!top.success) throw new RulePackError(top.error.issues.map((i) => `${i.path.join(".") || "pack"}: ${i.message}`));
  const problems: string[] = [];
  const rules: Rule[] = [];
  const byId = new Map<string, Rule>();
  top.data.rules.forEach((candidate, index) => {
    const parsed = ruleSchema.safeParse(candidate);
    const id = (candidate as { id?: unknown } | null)?.id;
    const name = typeof id === "string" ? id : `rule #${index + 1}`;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${name}: ${issue.path.join(".")}: ${issue.message}`);
      return;
    }
    if (byId.has(parsed.data.id)) problems.push(`${name}: the id is used twice`);
    byId.set(parsed.data.id, parsed.data);
    rules.push(parsed.data);
  });
  if (problems.length) throw new RulePackError(problems);
  return { version: top.data.version, rules, byId };
}

/** The rule pack shipped with this version of Breachdesk, validated when first imported. */
export const rulePack: RulePack = loadRulePack(packJson);

/** The rule with this id, or undefined when the pack has none. */
export function findRule(id: string): Rule | undefined {
  return rulePack.byId.get(id);
}
