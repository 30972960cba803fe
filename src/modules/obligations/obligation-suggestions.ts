// Which rules of the pack may apply to an incident, and why. Pure: the rules, the incident's
// location, the decision's regimes and the latest head count in; explained suggestions out.
import type { Rule } from "../deadlines/rule-pack.js";

/** EU member states' codes: a location in one of them brings in the EU rules. */
const EU_MEMBERS = new Set("AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split(" "));

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
}

export interface Suggestion {
  rule: Rule;
  /** Every reason it is suggested, each a sentence: "AU-NDB-assess: the organisation is in AU". */
  reasons: string[];
  /** The rule's conditions and, where it names a head count, how the incident compares. */
  notes: string[];
  /** Ticked on the form: reasons to apply and nothing known against it. */
  isPreselected: boolean;
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
function locationMatch(jurisdiction: string, codes: string[]): string | null {
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
 * Compares the incident's head count with a rule's threshold. The count is everyone affected,
 * an upper bound of the residents of any one place, so a count below a residents' threshold
 * rules the rule out while a count above it only says it may be met.
 */
function applyThreshold(threshold: Threshold, peopleCount: number | null): { note: string; isRuledOut: boolean } {
  if (peopleCount === null) return { note: "No head count is recorded yet: check the threshold.", isRuledOut: false };
  const counted = `The latest assessment counts ${peopleCount} ${peopleCount === 1 ? "person" : "people"} in all`;
  if (meets(threshold, peopleCount)) {
    return { note: `${counted}: the threshold may be met (count those of the place it names).`, isRuledOut: false };
  }
  return { note: `${counted}: the threshold is not met.`, isRuledOut: true };
}

/**
 * Suggestions from the addresses of the people affected. People are not imported yet (a later
 * issue adds them); until then this suggests nothing, and the caller still asks it so the
 * wiring is in place.
 */
export function suggestFromPeopleAddresses(_incidentId: string): Suggestion[] {
  return [];
}

/**
 * The rules that may apply, each with its reasons (the organisation's location, the decision's
 * regimes), its conditions as text and any threshold applied to the head count; ticked when
 * something points at it and nothing known rules it out. Sector-only regimes are listed but not
 * ticked unless the decision names them.
 */
export function suggestObligations(rules: readonly Rule[], facts: SuggestionFacts): Suggestion[] {
  const codes = parseLocation(facts.location);
  const applied = new Set(facts.appliedRuleIds);
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
    if (reasons.length === 0) continue;
    const notes: string[] = [];
    let isPreselected = true;
    if (SECTOR_REGIMES.has(rule.regimeCode) && !isDecided) {
      notes.push(`${rule.regimeCode} binds only some organisations: not ticked unless it applies to yours.`);
      isPreselected = false;
    }
    if (rule.conditions) notes.push(`Conditions: ${rule.conditions}`);
    const threshold = parseThreshold(rule.conditions);
    if (threshold) {
      const outcome = applyThreshold(threshold, facts.peopleCount);
      notes.push(outcome.note);
      if (outcome.isRuledOut) isPreselected = false;
    }
    suggestions.push({ rule, reasons, notes, isPreselected });
  }
  return suggestions;
}
