/**
 * Who the law reaches, as the organisation records it: where it is established, the kinds of
 * entity it is, its annual turnover, whether it offers goods or services to or monitors people
 * in the EU or the UK. Each value is null while not given, which the rules read as "maybe"
 * (decision 0032). Pure.
 */
import {
  type ApplicabilityProfile,
  AU_SMALL_BUSINESS_EXCEPTIONS,
  ENTITY_TYPE_LIST,
  ENTITY_TYPES,
  type EntityType,
  isEntityType,
} from "../deadlines/index.js";

export interface ApplicabilityValues {
  /** Jurisdiction codes as the rule pack writes them (AU-NSW, DE, US-TX); null: not given. */
  establishedIn: string[] | null;
  /** Words of the pack's entity types; [] none of them; null: not given. */
  entityTypes: EntityType[] | null;
  annualTurnover: { amount: number; currency: string } | null;
  offersToEU: boolean | null;
  offersToUK: boolean | null;
}

/** The entity types as the page groups them (the sectors); a kind the pack adds later lands in "Other kinds". */
export const ENTITY_TYPE_GROUPS: { sector: string; types: EntityType[] }[] = withOthers([
  { sector: "Health", types: ["health-provider", "hipaa-covered-entity", "hipaa-business-associate"] },
  { sector: "Finance", types: ["dora-financial-entity", "financial-institution", "nydfs-covered-entity", "sec-registrant"] },
  {
    sector: "Telecommunications, critical infrastructure and the public sector",
    types: ["telecom-provider", "critical-infrastructure", "nis2-essential-entity", "nis2-important-entity"],
  },
  { sector: "California and China", types: ["california-licensed-health-facility", "cn-central-or-state-organ"] },
  {
    sector: "Australia: an APP entity under the Privacy Act 1988 whatever its turnover (s 6D(4), s 6EA)",
    types: [...AU_SMALL_BUSINESS_EXCEPTIONS],
  },
  {
    sector: "Australia: prudential, critical infrastructure and cyber security",
    types: ["apra-regulated-entity", "soci-responsible-entity", "au-ransomware-reporting-entity"],
  },
  {
    sector: "United States: banks, securities, insurance, defence and health apps",
    types: [
      "occ-supervised-bank",
      "fed-supervised-banking-organization",
      "fdic-supervised-bank",
      "bank-service-provider",
      "sec-covered-institution",
      "regsp-service-provider",
      "insurance-licensee",
      "dod-contractor",
      "phr-vendor",
    ],
  },
  { sector: "European Union: trust services and products", types: ["eu-trust-service-provider", "cra-manufacturer"] },
  { sector: "Data protection roles: processing on behalf of a controller", types: ["data-processor"] },
]);

function withOthers(groups: { sector: string; types: EntityType[] }[]) {
  const grouped = new Set(groups.flatMap((g) => g.types));
  const others = ENTITY_TYPE_LIST.filter((t) => !grouped.has(t));
  return others.length ? [...groups, { sector: "Other kinds", types: others }] : groups;
}

/** Nothing given: every rule that depends on the organisation answers "maybe". */
export function emptyApplicability(): ApplicabilityValues {
  return { establishedIn: null, entityTypes: null, annualTurnover: null, offersToEU: null, offersToUK: null };
}

function splitWords(text: string | null | undefined): string[] | null {
  if (text === null || text === undefined) return null;
  return text
    .split(",")
    .map((w) => w.trim())
    .filter(Boolean);
}

/** The stored row (or null) as values; unknown entity words are dropped. */
export function applicabilityValuesOf(
  row: {
    establishedIn: string | null;
    entityTypes: string | null;
    annualTurnover: number | null;
    turnoverCurrency: string;
    offersToEU: boolean | null;
    offersToUK: boolean | null;
  } | null,
): ApplicabilityValues {
  if (!row) return emptyApplicability();
  const types = splitWords(row.entityTypes);
  return {
    establishedIn: splitWords(row.establishedIn),
    entityTypes: types ? types.filter(isEntityType) : null,
    annualTurnover: row.annualTurnover === null ? null : { amount: row.annualTurnover, currency: row.turnoverCurrency || "AUD" },
    offersToEU: row.offersToEU,
    offersToUK: row.offersToUK,
  };
}

/** The values as the row stores them. */
export function applicabilityRowOf(values: ApplicabilityValues) {
  return {
    establishedIn: values.establishedIn ? values.establishedIn.join(",") : null,
    entityTypes: values.entityTypes ? values.entityTypes.join(",") : null,
    annualTurnover: values.annualTurnover?.amount ?? null,
    turnoverCurrency: values.annualTurnover?.currency ?? "",
    offersToEU: values.offersToEU,
    offersToUK: values.offersToUK,
  };
}

/**
 * The organisation's part of the profile `breachdesk applicable --profile` reads (the same keys,
 * a value not given left out), at an instant; the incident adds residents and data elements.
 */
export function toApplicabilityProfile(values: ApplicabilityValues, at: Date): ApplicabilityProfile {
  return {
    at,
    ...(values.establishedIn ? { establishedIn: values.establishedIn } : {}),
    ...(values.entityTypes ? { entityTypes: values.entityTypes } : {}),
    ...(values.annualTurnover ? { annualTurnover: values.annualTurnover } : {}),
    ...(values.offersToEU !== null ? { offersToEU: values.offersToEU } : {}),
    ...(values.offersToUK !== null ? { offersToUK: values.offersToUK } : {}),
  };
}

/** The values as JSON: the keys of the CLI's profile, null where not given. */
export function applicabilityJson(values: ApplicabilityValues) {
  return { ...values };
}

/** Each value in words, for the page and the audit log. */
export function describeApplicability(values: ApplicabilityValues) {
  const yesNo = (v: boolean | null) => (v === null ? "not given" : v ? "yes" : "no");
  return {
    establishedIn: values.establishedIn === null ? "not given" : values.establishedIn.join(", ") || "none given",
    entityTypes:
      values.entityTypes === null
        ? "not given"
        : values.entityTypes.length === 0
          ? "none of the kinds listed"
          : values.entityTypes.map((t) => ENTITY_TYPES[t]).join("; "),
    annualTurnover:
      values.annualTurnover === null
        ? "not given"
        : `${values.annualTurnover.currency} ${values.annualTurnover.amount.toLocaleString("en-AU")}`,
    offersToEU: yesNo(values.offersToEU),
    offersToUK: yesNo(values.offersToUK),
  };
}
