// Which rules of the pack apply to an incident, and why. Pure: the rules, the organisation's
// profile (who the law reaches), the incident's discovery, location, data categories and where
// the imported people live in; every rule out, "yes", "maybe" or "no" with its reasons in words
// (decisions 0027 and 0032).
import {
  type ApplicabilityProfile,
  type Applies,
  assessApplicability,
  describeTrigger,
  isTriggerCode,
  type Rule,
} from "../deadlines/index.js";

/** EU member states' codes: a location in one of them brings in the EU rules. */
export const EU_MEMBERS = new Set("AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split(" "));

/** The organisation's part of the profile: who the law reaches, as it recorded it (a key not given left out). */
export type OrganisationReach = Omit<ApplicabilityProfile, "at" | "residents" | "dataElements">;

export interface SuggestionFacts {
  /** Incident.location: where the organisation is for this incident, jurisdiction codes separated by commas. */
  location: string;
  /** Regime codes of the latest decision, e.g. ["AU-NDB", "EU-GDPR"]: said beside the rule, never decisive. */
  decisionRegimes: string[];
  /** Rule ids already applied to the incident: not listed again. */
  appliedRuleIds: string[];
  /** The imported people by where they live, each at the finest code known (AU-NSW, else AU). */
  peoplePlaces?: PlaceCount[];
  /**
   * The trigger codes a fact the incident records can start (clock-facts.policy.ts); a rule whose
   * clock only an event typed by hand starts is not ticked. Absent: every code.
   */
  startableCodes?: ReadonlySet<string>;
  /** The incident's discovery (detected, else aware): the law in force then decides. */
  at: Date;
  /** Who the law reaches, from the organisation's profile; absent: nothing given. */
  organisation?: OrganisationReach;
  /** The incident's data categories (catalogue ids), each with whether it was encrypted ("yes", "no", "partly", "unknown"). */
  dataCategories?: { id: string; encrypted: string }[];
}

/** How many imported people live in one place: a country (AU) or a subdivision (AU-NSW, US-CA). */
export interface PlaceCount {
  code: string;
  count: number;
}

export interface Suggestion {
  rule: Rule;
  /** Whether it applies, from the organisation's profile and the incident's facts. */
  applies: Applies;
  /** Why, each in words: "312 residents of Texas, at least 250", "not in force on 2016-03-24". */
  reasons: string[];
  /** What else to know: the decision names its regime, why it is not ticked, its conditions. */
  notes: string[];
  /** Ticked on the form: it applies, sets a deadline, its clock can start from the incident's facts, the first of its alternatives. */
  isPreselected: boolean;
  /** Information only or no deadline: never a pending obligation, never ticked. */
  isInformation: boolean;
  /** The group of alternatives it belongs to (one of them is chosen), or null. */
  alternatives: string | null;
}

/** The suggestions with the profile they were read from, so the page can say what it knew. */
export interface SuggestionList {
  profile: ApplicabilityProfile;
  suggestions: Suggestion[];
  /** The data categories left out of the data elements because they were encrypted. */
  encryptedCategories: string[];
}

/** Splits a location into upper-case codes: "au, AU-NSW" gives ["AU", "AU-NSW"]; UK is read as GB. */
export function parseLocation(location: string): string[] {
  const codes = location
    .split(/[,;\s]+/)
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean)
    .map((c) => (c === "UK" ? "GB" : c));
  return [...new Set(codes)];
}

/** True when a location code is a well-formed jurisdiction code (AU, AU-NSW, US-CA, EU). */
export function isLocationCode(code: string): boolean {
  return /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(code);
}

/** The location code that puts an organisation under a rule's jurisdiction, or null. */
export function locationMatch(jurisdiction: string, codes: string[]): string | null {
  for (const code of codes) {
    if (code === jurisdiction || code.startsWith(`${jurisdiction}-`)) return code;
    if (jurisdiction === "EU" && EU_MEMBERS.has(code.slice(0, 2))) return code;
    // Federal US regimes (HHS, SEC, FTC) reach an organisation anywhere in the US.
    if (["US-HHS", "US-SEC", "US-FTC"].includes(jurisdiction) && (code === "US" || code.startsWith("US-"))) return code;
    if (jurisdiction === "US-NY-DFS" && code === "US-NY") return code;
  }
  return null;
}

/**
 * The data elements (the pack's words) a catalogue category of data-categories holds.
 * Government identifiers of a kind not recorded are "identity-document": a law naming only some
 * kinds then answers "maybe". Categories no state law's list names map to nothing.
 */
export const CATEGORY_DATA_ELEMENTS: Record<string, string[]> = {
  identity: ["name"],
  postal_address: ["postal-address"],
  email_address: ["email"],
  phone_number: ["phone"],
  date_of_birth: ["date-of-birth"],
  government_id: ["identity-document"],
  financial_account: ["financial-account"],
  payment_card: ["payment-card"],
  credentials_passwords: ["account-credentials"],
  security_questions: ["account-credentials"],
  health: ["medical"],
  biometric: ["biometric"],
};

/**
 * The profile a rule is read against: the organisation's (where it is established, what it is,
 * its turnover, its offers to the EU and the UK), the incident's location added to where it is
 * established, the imported people's places as residents, the data categories not encrypted as
 * data elements, at the incident's discovery. Nothing recorded: the key is left out ("maybe").
 */
export function incidentProfile(facts: SuggestionFacts): { profile: ApplicabilityProfile; encryptedCategories: string[] } {
  const org = facts.organisation ?? {};
  const located = parseLocation(facts.location).filter(isLocationCode);
  const established = [...new Set([...(org.establishedIn ?? []), ...located])];
  const places = (facts.peoplePlaces ?? []).filter((p) => p.count > 0);
  const categories = facts.dataCategories ?? [];
  const encryptedCategories = categories.filter((c) => c.encrypted === "yes").map((c) => c.id);
  const elements = categories.filter((c) => c.encrypted !== "yes").flatMap((c) => CATEGORY_DATA_ELEMENTS[c.id] ?? []);
  const profile: ApplicabilityProfile = {
    ...org,
    at: facts.at,
    ...(established.length ? { establishedIn: established } : {}),
    ...(places.length ? { residents: Object.fromEntries(places.map((p) => [p.code, p.count])) } : {}),
    ...(categories.length ? { dataElements: [...new Set(elements)] } : {}),
  };
  return { profile, encryptedCategories };
}

const ORDER: Record<Applies, number> = { yes: 0, maybe: 1, no: 2 };

/**
 * Every rule of the pack not yet applied, answered "yes", "maybe" or "no" with its reasons, those
 * that apply first. Ticked only what applies, sets a deadline, has a clock the incident's facts
 * can start and is the first of its alternatives: "maybe" and "no" are never ticked.
 */
export function suggestObligations(rules: readonly Rule[], facts: SuggestionFacts): SuggestionList {
  const { profile, encryptedCategories } = incidentProfile(facts);
  const applied = new Set(facts.appliedRuleIds);
  const suggestions: Suggestion[] = [];
  for (const rule of rules) {
    if (applied.has(rule.id)) continue;
    const answer = assessApplicability(rule, profile);
    const notes: string[] = [];
    const isInformation = answer.informationOnly || rule.deadline.kind === "none";
    let isPreselected = answer.applies === "yes";
    if (facts.decisionRegimes.includes(rule.regimeCode)) notes.push(`The decision names ${rule.regimeCode}.`);
    const code = rule.trigger.code;
    if (isInformation) {
      notes.push("Information only: it sets no deadline and is never a pending obligation.");
      isPreselected = false;
    } else if (isPreselected && facts.startableCodes && !facts.startableCodes.has(code)) {
      const label = isTriggerCode(code) ? describeTrigger(code) : code;
      notes.push(`Not ticked: its clock starts only from an event you record by hand (${label}).`);
      isPreselected = false;
    }
    if (rule.conditions) notes.push(`Conditions: ${rule.conditions}`);
    const alternatives = answer.alternatives ?? null;
    suggestions.push({
      rule,
      applies: answer.applies,
      reasons: answer.reasons,
      notes,
      isPreselected,
      isInformation,
      alternatives,
    });
  }
  suggestions.sort((a, b) => ORDER[a.applies] - ORDER[b.applies]);
  const appliedGroups = new Map(
    rules.filter((r) => applied.has(r.id) && r.applicability?.alternatives).map((r) => [r.applicability?.alternatives, r.id]),
  );
  return { profile, suggestions: oneOfEachAlternative(suggestions, appliedGroups), encryptedCategories };
}

/**
 * Alternatives (Japan's two final reports) are one choice: only the first ticked of a group stays
 * ticked, and none when one of them is applied already.
 */
function oneOfEachAlternative(suggestions: Suggestion[], applied: Map<string | undefined, string>): Suggestion[] {
  const chosen = new Map<string, string>([...applied].filter((e): e is [string, string] => e[0] !== undefined));
  for (const s of suggestions) {
    const group = s.alternatives;
    if (!group) continue;
    const first = chosen.get(group);
    if (!first) {
      if (s.isPreselected) chosen.set(group, s.rule.id);
      continue;
    }
    if (s.isPreselected) s.notes.push(`An alternative to ${first}: only one of them applies, so only ${first} is ticked.`);
    s.isPreselected = false;
  }
  return suggestions;
}
