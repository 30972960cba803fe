// Which rules of the pack may apply to an incident, and why. Pure: the rules, the incident's
// location, the decision's regimes, the latest head count and where the imported people live
// in; explained suggestions out.
import { assessApplicability, describeTrigger, ENTITY_TYPES, isTriggerCode, type Rule } from "../deadlines/index.js";

/** EU member states' codes: a location in one of them brings in the EU rules. */
export const EU_MEMBERS = new Set("AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split(" "));

/** Regimes that bind only some organisations (a sector, listed companies): suggested, not ticked. */
const SECTOR_REGIMES = new Set(["US-HIPAA", "US-SEC", "US-FTC", "US-NYDFS", "EU-NIS2", "EU-DORA", "GB-PECR", "IN-CERTIN"]);

export interface Threshold {
  /** The number of people the condition names. */
  count: number;
  /** at_least: N or more; more_than: over N; under: fewer than N. */
  kind: "at_least" | "more_than" | "under";
}

export interface SuggestionFacts {
  /** Incident.location: jurisdiction codes separated by commas (AU, AU-NSW, US-CA, GB, EU, NZ). */
  location: string;
  /** Regime codes of the latest decision, e.g. ["AU-NDB", "EU-GDPR"]. */
  decisionRegimes: string[];
  /** People affected in all, from the latest assessment; null when not counted. */
  peopleCount: number | null;
  /** Rule ids already applied to the incident: not suggested again. */
  appliedRuleIds: string[];
  /** The imported people by where they live, each at the finest code known (AU-NSW, else AU). */
  peoplePlaces?: PlaceCount[];
  /**
   * The trigger codes a fact the incident records can start (clock-facts.policy.ts); a rule whose
   * clock only an event typed by hand starts is suggested but not ticked. Absent: every code.
   */
  startableCodes?: ReadonlySet<string>;
  /** The incident's discovery: a rule not in force then is listed, never ticked (decision 0027). Absent: not checked. */
  at?: Date;
}

/** How many imported people live in one place: a country (AU) or a subdivision (AU-NSW, US-CA). */
export interface PlaceCount {
  code: string;
  count: number;
}

export interface Suggestion {
  rule: Rule;
  /** Every reason it is suggested, each a sentence: "AU-NDB-assess: the organisation is in AU". */
  reasons: string[];
  /** The rule's conditions and, where it names a head count, how the incident compares. */
  notes: string[];
  /** Ticked on the form: reasons to apply, a clock the incident's facts can start, and nothing known against it. */
  isPreselected: boolean;
  /** A rule that sets no deadline (a declaration, information only): shown apart, never ticked. */
  isInformation: boolean;
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
 * The head count a condition names, when it names one plainly ("More than 1,000 Alabama
 * residents", ">= 500 individuals", "< 500 individuals", "At least 250"); null otherwise.
 */
export function parseThreshold(conditions: string | null): Threshold | null {
  if (!conditions) return null;
  const text = conditions.replace(/(\d),(\d{3})/g, "$1$2");
  const patterns: [RegExp, Threshold["kind"]][] = [
    [/>=\s*(\d+)/, "at_least"],
    [/\bat least (\d+)/i, "at_least"],
    [/\b(\d+) or more\b/i, "at_least"],
    [/(?:\bmore than|\bexceeding|>)\s*(\d+)/i, "more_than"],
    [/(?:<|\bfewer than|\bless than)\s*(\d+)/i, "under"],
  ];
  for (const [pattern, kind] of patterns) {
    const match = pattern.exec(text);
    if (match?.[1]) return { count: Number(match[1]), kind };
  }
  return null;
}

/** Whether a head count meets a threshold. */
function meets(threshold: Threshold, count: number): boolean {
  if (threshold.kind === "at_least") return count >= threshold.count;
  if (threshold.kind === "more_than") return count > threshold.count;
  return count < threshold.count;
}

/**
 * Compares a head count with a rule's threshold: the assessment's count of everyone affected
 * (or, without one, the people imported), an upper bound of the residents of any one place, so
 * a count below a residents' threshold rules the rule out while a count above it only says it
 * may be met.
 */
function applyThreshold(
  threshold: Threshold,
  head: { count: number; source: "assessment" | "imported" } | null,
): { note: string; isRuledOut: boolean } {
  if (head === null) return { note: "No head count is recorded yet: check the threshold.", isRuledOut: false };
  const people = `${head.count.toLocaleString("en")} ${head.count === 1 ? "person" : "people"}`;
  const counted =
    head.source === "assessment"
      ? `The latest assessment counts ${people} in all`
      : `${people} imported in all, no assessment counts them yet`;
  const peopleCount = head.count;
  if (meets(threshold, peopleCount)) {
    return { note: `${counted}: the threshold may be met (count those of the place it names).`, isRuledOut: false };
  }
  return { note: `${counted}: the threshold is not met.`, isRuledOut: true };
}

interface Residents {
  count: number;
  /** The places counted, e.g. "US-CA" or "FR, DE". */
  where: string;
}

/**
 * Compares the imported residents of a rule's jurisdiction with a residents' threshold. The
 * list may not be complete yet, so a count below the threshold is said to be "so far".
 */
function applyResidentsThreshold(threshold: Threshold, residents: Residents): { note: string; isRuledOut: boolean } {
  const counted = `${residents.count.toLocaleString("en")} of the people imported live in ${residents.where}`;
  if (meets(threshold, residents.count)) return { note: `${counted}: the threshold is met.`, isRuledOut: false };
  return { note: `${counted}: the threshold is not met by the people imported so far.`, isRuledOut: true };
}

/**
 * The imported people living under a rule's jurisdiction. A condition counted "per State"
 * ("More than 500 residents of a single State") takes the largest one place; others the sum.
 */
function residentsOf(rule: Rule, places: PlaceCount[]): Residents | null {
  const within = places.filter((p) => p.count > 0 && locationMatch(rule.jurisdiction, [p.code]));
  if (within.length === 0) return null;
  if (rule.conditions && /single state|per state/i.test(rule.conditions)) {
    const largest = within.reduce((a, b) => (b.count > a.count ? b : a));
    return { count: largest.count, where: largest.code };
  }
  const sorted = [...within].sort((a, b) => b.count - a.count);
  const names = sorted.slice(0, 5).map((p) => p.code);
  const more = sorted.length - names.length;
  return {
    count: within.reduce((sum, p) => sum + p.count, 0),
    where: names.join(", ") + (more > 0 ? ` and ${more} more places` : ""),
  };
}

/**
 * The rules that may apply, each with its reasons (the organisation's location, the decision's
 * regimes, the imported people living under the rule's jurisdiction), its conditions as text
 * and any threshold applied (a residents' threshold to the imported residents, other head
 * counts to the assessment's count, else to the people imported); ticked when something points
 * at it and nothing known rules it out. Sector-only regimes are listed but not ticked unless
 * the decision names them.
 */
export function suggestObligations(rules: readonly Rule[], facts: SuggestionFacts): Suggestion[] {
  const codes = parseLocation(facts.location);
  const applied = new Set(facts.appliedRuleIds);
  const places = facts.peoplePlaces ?? [];
  const imported = places.reduce((sum, p) => sum + p.count, 0);
  const headCount =
    facts.peopleCount !== null
      ? { count: facts.peopleCount, source: "assessment" as const }
      : imported > 0
        ? { count: imported, source: "imported" as const }
        : null;
  const suggestions: Suggestion[] = [];
  for (const rule of rules) {
    if (applied.has(rule.id)) continue;
    const reasons: string[] = [];
    const where = locationMatch(rule.jurisdiction, codes);
    const isDecided = facts.decisionRegimes.includes(rule.regimeCode);
    if (where)
      reasons.push(
        `${rule.id}: the organisation is in ${where}${where === rule.jurisdiction ? "" : ` (within ${rule.jurisdiction})`}.`,
      );
    if (isDecided) reasons.push(`${rule.id}: the decision names ${rule.regimeCode}.`);
    const residents = residentsOf(rule, places);
    if (residents) {
      const people =
        residents.count === 1
          ? "1 of the people imported lives"
          : `${residents.count.toLocaleString("en")} of the people imported live`;
      reasons.push(
        `${rule.id}: ${people} in ${residents.where}${residents.where === rule.jurisdiction ? "" : ` (within ${rule.jurisdiction})`}.`,
      );
    }
    if (reasons.length === 0) continue;
    const notes: string[] = [];
    let isPreselected = true;
    const isInformation = rule.deadline.kind === "none";
    const code = rule.trigger.code;
    if (isInformation) {
      notes.push("Information only: this rule sets no deadline and starts no clock, so it is never pending.");
      isPreselected = false;
    } else if (facts.startableCodes && !facts.startableCodes.has(code)) {
      const label = isTriggerCode(code) ? describeTrigger(code) : code;
      notes.push(`Not ticked: its clock starts only from an event you record by hand (${label}).`);
      isPreselected = false;
    }
    if (SECTOR_REGIMES.has(rule.regimeCode) && !isDecided) {
      notes.push(`${rule.regimeCode} binds only some organisations: not ticked unless it applies to yours.`);
      isPreselected = false;
    }
    const bound = rule.applicability?.entityTypes;
    if (bound && !isDecided && !SECTOR_REGIMES.has(rule.regimeCode)) {
      const kinds = bound.map((t) => ENTITY_TYPES[t as keyof typeof ENTITY_TYPES] ?? t).join(" or ");
      notes.push(`Binds only ${kinds}: not ticked unless that is your organisation.`);
      isPreselected = false;
    }
    if (facts.at) {
      const answer = assessApplicability(rule, { at: facts.at });
      if (answer.applies === "no") {
        notes.push(`Does not apply: ${answer.reasons.filter((r) => /^(not|no longer) in force/.test(r)).join("; ")}.`);
        isPreselected = false;
      }
    }
    if (rule.conditions) notes.push(`Conditions: ${rule.conditions}`);
    const threshold = parseThreshold(rule.conditions);
    if (threshold) {
      const outcome =
        residents && /resident/i.test(rule.conditions ?? "")
          ? applyResidentsThreshold(threshold, residents)
          : applyThreshold(threshold, headCount);
      notes.push(outcome.note);
      if (outcome.isRuledOut) isPreselected = false;
    }
    suggestions.push({ rule, reasons, notes, isPreselected, isInformation });
  }
  return oneOfEachAlternative(suggestions);
}

/** Alternatives (Japan's two final reports) are one choice: only the first ticked of a group stays ticked. */
function oneOfEachAlternative(suggestions: Suggestion[]): Suggestion[] {
  const chosen = new Map<string, string>();
  for (const s of suggestions) {
    const group = s.rule.applicability?.alternatives;
    if (!group) continue;
    const first = chosen.get(group);
    if (!first) {
      if (s.isPreselected) chosen.set(group, s.rule.id);
      continue;
    }
    s.isPreselected = false;
    s.notes.push(`An alternative to ${first}: only one of them applies, so only ${first} is ticked.`);
  }
  return suggestions;
}
