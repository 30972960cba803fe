// Does a rule apply to an organisation at a moment? Pure: a rule of the pack and a profile (where
// the organisation is established, what it is, whom it serves, who was affected and where they
// live) in; "yes", "maybe" or "no" out, with every reason in words (decision 0027).
import { DateTime } from "luxon";
import {
  type Applicability,
  AU_SMALL_BUSINESS_EXCEPTIONS,
  DATA_ELEMENTS,
  type DataElement,
  ENTITY_TYPES,
  type EntityType,
  isDataElement,
} from "./applicability.schemas.js";
import { isWithin, mayHold, placeName } from "./jurisdiction-names.policy.js";
import type { Rule } from "./rule-pack.policy.js";

export type Applies = "yes" | "maybe" | "no";

/** What is known of the organisation and the incident; a key left out is not known ("maybe"). */
export interface ApplicabilityProfile {
  /** The instant assessed: the incident's discovery, or now. */
  at: Date;
  /** Jurisdiction codes as the pack writes them: AU-NSW, DE, US-TX. */
  establishedIn?: string[];
  /** Words of ENTITY_TYPES; unknown words are ignored. */
  entityTypes?: string[];
  annualTurnover?: { amount: number; currency: string };
  offersToEU?: boolean;
  offersToUK?: boolean;
  /** Affected people by where they live (code to count), each at the finest code known. */
  residents?: Record<string, number>;
  /** Words of DATA_ELEMENTS: the kinds of information affected. */
  dataElements?: string[];
}

export interface ApplicabilityAnswer {
  applies: Applies;
  reasons: string[];
  /** The group of alternatives the rule belongs to: one rule of a group is chosen. */
  alternatives?: string;
  /** Never a pending obligation (a declaration, a change of the law). */
  informationOnly: boolean;
}

interface Finding {
  applies: Applies;
  reason: string;
}

const RANK: Record<Applies, number> = { yes: 0, maybe: 1, no: 2 };
const NOT_RECORDED = "applicability not yet recorded as data";
/** Privacy Act 1988 s 6D(1): a business with an annual turnover of A$3,000,000 or less is a small business. */
export const AU_SMALL_BUSINESS_TURNOVER = 3_000_000;

/** The answer for one rule: the worst of its findings (no over maybe over yes), with all their reasons. */
export function assessApplicability(rule: Rule, profile: ApplicabilityProfile): ApplicabilityAnswer {
  const data = rule.applicability;
  const findings: Finding[] = [inForce(rule, profile.at)];
  if (!data) findings.push({ applies: "maybe", reason: NOT_RECORDED });
  else {
    const reach = reachFinding(data, profile);
    if (reach) findings.push(reach);
    if (data.entityTypes) findings.push(entityFinding(data.entityTypes as EntityType[], profile.entityTypes));
    if (data.dataElements) findings.push(dataFinding(data.dataElements, profile.dataElements));
    if (data.exemptions?.includes("au-small-business")) findings.push(smallBusinessFinding(profile));
    if (data.alternatives)
      findings.push({ applies: "yes", reason: `one of the alternatives ${data.alternatives}: record one of them` });
    if (data.informationOnly) findings.push({ applies: "yes", reason: "information only: never a pending obligation" });
  }
  const applies = findings.reduce<Applies>((worst, f) => (RANK[f.applies] > RANK[worst] ? f.applies : worst), "yes");
  return {
    applies,
    reasons: findings.map((f) => f.reason),
    ...(data?.alternatives ? { alternatives: data.alternatives } : {}),
    informationOnly: data?.informationOnly === true,
  };
}

function inForce(rule: Rule, at: Date): Finding {
  const day = DateTime.fromJSDate(at, { zone: rule.zone.name }).toISODate() ?? at.toISOString().slice(0, 10);
  const { from, until } = rule.inForce;
  if (from && day < from) return { applies: "no", reason: `not in force on ${day} (in force from ${from})` };
  if (until && day > until) return { applies: "no", reason: `no longer in force on ${day} (in force until ${until})` };
  if (!from) return { applies: "yes", reason: `in force on ${day} (the day it came into force is not recorded as data)` };
  return { applies: "yes", reason: `in force on ${day} (from ${from}${until ? ` until ${until}` : ""})` };
}

/** Establishment, Art. 3(2)-style reach and residents: any one met brings the rule. */
function reachFinding(data: Applicability, profile: ApplicabilityProfile): Finding | null {
  const hooks: Finding[] = [];
  const establishment = data.establishment;
  const offers = data.offersTo;
  if (establishment) hooks.push(establishmentFinding(establishment, profile.establishedIn));
  if (offers) hooks.push(offersFinding(offers, profile));
  if (data.residents) hooks.push(residentsFinding(data.residents, profile.residents));
  if (hooks.length === 0) return null;
  const met = hooks.find((h) => h.applies === "yes");
  if (met) return met;
  const unknown = hooks.filter((h) => h.applies === "maybe");
  if (unknown.length) return { applies: "maybe", reason: unknown.map((h) => h.reason).join("; ") };
  let reason = hooks.map((h) => h.reason).join("; ");
  if (establishment && offers && hooks.length === 2) {
    // "not established in the EU and does not offer goods or services to or monitor people there (Art. 3(2))"
    reason = `not established in ${establishment.map(placeName).join(" or ")} and does not offer goods or services to or monitor people there (Art. 3(2))`;
  }
  if (data.reachComplete === false) {
    return { applies: "maybe", reason: `${reason}; the law may reach organisations elsewhere (not recorded as data)` };
  }
  return { applies: "no", reason };
}

function establishmentFinding(scopes: string[], establishedIn: string[] | undefined): Finding {
  const where = scopes.map(placeName).join(" or ");
  if (!establishedIn)
    return {
      applies: "maybe",
      reason: `where the organisation is established is not given (the rule binds those established in ${where})`,
    };
  for (const code of establishedIn) {
    const scope = scopes.find((s) => isWithin(code, s));
    if (scope)
      return { applies: "yes", reason: `established in ${code}${code.toUpperCase() === scope ? "" : ` (${placeName(scope)})`}` };
  }
  return { applies: "no", reason: `not established in ${where}` };
}

function offersFinding(places: ("EU" | "GB")[], profile: ApplicabilityProfile): Finding {
  for (const place of places) {
    const offers = place === "EU" ? profile.offersToEU : profile.offersToUK;
    const key = place === "EU" ? "offersToEU" : "offersToUK";
    if (offers === true)
      return { applies: "yes", reason: `offers goods or services to, or monitors, people in ${placeName(place)} (Art. 3(2))` };
    if (offers === undefined)
      return {
        applies: "maybe",
        reason: `whether it offers goods or services to, or monitors, people in ${placeName(place)} is not given (${key})`,
      };
  }
  return {
    applies: "no",
    reason: `does not offer goods or services to or monitor people in ${places.map(placeName).join(" or ")} (Art. 3(2))`,
  };
}

function residentsFinding(rule: NonNullable<Applicability["residents"]>, residents: Record<string, number> | undefined): Finding {
  if (rule.each) return residentsOfOnePlaceFinding(rule, residents);
  const where = rule.in.map(placeName).join(" or ");
  const limit = `at least ${count(rule.atLeast)}${rule.lessThan ? ` and fewer than ${count(rule.lessThan)}` : ""}`;
  if (!residents)
    return {
      applies: "maybe",
      reason: `where the affected people live is not given (the rule needs residents of ${where}, ${limit})`,
    };
  let known = 0;
  let unplaced = 0;
  const unplacedCodes = new Set<string>();
  for (const [code, n] of Object.entries(residents)) {
    if (rule.in.some((scope) => isWithin(code, scope))) known += n;
    else if (rule.in.some((scope) => mayHold(code, scope))) {
      unplaced += n;
      unplacedCodes.add(code.toUpperCase());
    }
  }
  const counted = `${count(known)} resident${known === 1 ? "" : "s"} of ${where}`;
  const fits = (n: number) => n >= rule.atLeast && (rule.lessThan === undefined || n < rule.lessThan);
  if (fits(known)) return { applies: "yes", reason: `${counted}, ${limit}` };
  if (unplaced > 0 && known + unplaced >= rule.atLeast && (rule.lessThan === undefined || known < rule.lessThan)) {
    const codes = [...unplacedCodes].join(", ");
    return {
      applies: "maybe",
      reason: `${counted} and ${count(unplaced)} known only as ${codes}, who may live there (${limit})`,
    };
  }
  if (known === 0) return { applies: "no", reason: `no affected residents of ${where}` };
  return { applies: "no", reason: `${counted}, not ${limit}` };
}

/**
 * A count per state or jurisdiction, not in aggregate (HIPAA's and the FTC's media notices): the
 * place with the most affected residents must reach `atLeast`. People known only by a wider code
 * (`US`) may all live in that place, so they can make the answer "maybe", never "yes".
 */
function residentsOfOnePlaceFinding(
  rule: NonNullable<Applicability["residents"]>,
  residents: Record<string, number> | undefined,
): Finding {
  const where = rule.in.map(placeName).join(" or ");
  const limit = `at least ${count(rule.atLeast)} in a single state or jurisdiction, not in aggregate`;
  if (!residents)
    return {
      applies: "maybe",
      reason: `where the affected people live is not given (the rule needs residents of ${where}: ${limit})`,
    };
  const byPlace = new Map<string, number>();
  let unplaced = 0;
  const unplacedCodes = new Set<string>();
  for (const [code, n] of Object.entries(residents)) {
    const upper = code.toUpperCase();
    if (rule.in.some((scope) => isWithin(upper, scope) && upper !== scope)) byPlace.set(upper, (byPlace.get(upper) ?? 0) + n);
    else if (rule.in.some((scope) => upper === scope || mayHold(upper, scope))) {
      unplaced += n;
      unplacedCodes.add(upper);
    }
  }
  const [place, most] = [...byPlace.entries()].reduce<[string | null, number]>(
    (best, [code, n]) => (n > best[1] ? [code, n] : best),
    [null, 0],
  );
  const counted = place ? `${count(most)} resident${most === 1 ? "" : "s"} of ${placeName(place)}` : null;
  const fits = (n: number) => n >= rule.atLeast && (rule.lessThan === undefined || n < rule.lessThan);
  if (counted && fits(most)) return { applies: "yes", reason: `${counted}, ${limit}` };
  if (unplaced > 0 && most + unplaced >= rule.atLeast) {
    const codes = [...unplacedCodes].join(", ");
    const lead = counted ? `${counted} (the most in one place) and ` : "";
    return {
      applies: "maybe",
      reason: `${lead}${count(unplaced)} known only as ${codes}, who may live in one place (${limit})`,
    };
  }
  if (!counted) return { applies: "no", reason: `no affected residents of ${where}` };
  return { applies: "no", reason: `${counted}, the most in one state or jurisdiction, not ${limit}` };
}

function entityFinding(types: EntityType[], given: string[] | undefined): Finding {
  const words = types.map((t) => ENTITY_TYPES[t]).join(" or ");
  if (!given) return { applies: "maybe", reason: `the rule binds only ${words}; the organisation's entity types are not given` };
  const match = types.find((t) => given.includes(t));
  if (match) return { applies: "yes", reason: `the organisation is ${ENTITY_TYPES[match]}` };
  return { applies: "no", reason: `the rule binds only ${words}, which the organisation is not` };
}

/** The kinds of government identifier "identity-document" (kind not recorded) may be. */
const GOVERNMENT_IDS: readonly DataElement[] = ["ssn", "drivers-license", "government-id", "passport", "tax-id"];

function dataFinding(rule: NonNullable<Applicability["dataElements"]>, given: string[] | undefined): Finding {
  const words = (list: DataElement[]) => list.map((d) => DATA_ELEMENTS[d]).join(", ");
  const anyOf = rule.anyOf as DataElement[];
  if (!given)
    return { applies: "maybe", reason: `the kinds of information affected are not given (the law names ${words(anyOf)})` };
  const hit = anyOf.filter((d) => given.includes(d));
  if (hit.length) return { applies: "yes", reason: `${words(hit)} affected, which the law names` };
  const ids = anyOf.filter((d) => GOVERNMENT_IDS.includes(d));
  if (given.includes("identity-document") && ids.length === GOVERNMENT_IDS.length)
    return { applies: "yes", reason: "government identifiers affected; the law names every kind of them" };
  if (given.includes("identity-document") && ids.length)
    return {
      applies: "maybe",
      reason: `government identifiers affected, of a kind not recorded; the law names ${words(ids)}`,
    };
  const affected = given.filter(isDataElement);
  const what = affected.length ? words(affected) : "no kind of information the law names";
  if (rule.complete) return { applies: "no", reason: `${what} affected; the law names only ${words(anyOf)}` };
  return {
    applies: "maybe",
    reason: `${what} affected, none of the elements most state laws name; this state's own list may name others`,
  };
}

function smallBusinessFinding(profile: ApplicabilityProfile): Finding {
  const given = profile.entityTypes;
  const exception = AU_SMALL_BUSINESS_EXCEPTIONS.find((t) => given?.includes(t));
  if (exception) return { applies: "yes", reason: `an APP entity: ${ENTITY_TYPES[exception]}` };
  const turnover = profile.annualTurnover;
  const rule = "a small business under s 6D unless an exception applies";
  if (!turnover) return { applies: "maybe", reason: `annual turnover not given: with A$3 million or less, ${rule}` };
  if (turnover.currency.toUpperCase() !== "AUD")
    return {
      applies: "maybe",
      reason: `annual turnover given in ${turnover.currency}; s 6D counts Australian dollars (A$3 million)`,
    };
  const amount = `A$${count(turnover.amount)}`;
  if (turnover.amount > AU_SMALL_BUSINESS_TURNOVER)
    return { applies: "yes", reason: `annual turnover ${amount}, over A$3 million: not a small business (s 6D), an APP entity` };
  if (!given)
    return { applies: "maybe", reason: `annual turnover ${amount}, not over A$3 million: ${rule} (entity types not given)` };
  return {
    applies: "no",
    reason: `annual turnover ${amount}, not over A$3 million: ${rule}, and the profile names none (s 6D(4))`,
  };
}

function count(n: number): string {
  return n.toLocaleString("en-AU");
}

/** Every rule of a list, each with its answer. */
export function assessRules(
  rules: readonly Rule[],
  profile: ApplicabilityProfile,
): { rule: Rule; answer: ApplicabilityAnswer }[] {
  return rules.map((rule) => ({ rule, answer: assessApplicability(rule, profile) }));
}
