// Which zone an applied rule counts its days in. The pack gives each rule a default zone (the
// regulator's capital), but the laws researched count days where the thing is done: an
// Australian entity in Perth counts the OAIC's 30 days in Perth. So when the incident's own
// zone lies in the rule's jurisdiction, the incident's zone wins.
import type { HolidayCalendar, Rule } from "../deadlines/index.js";

/** EU zones and their Member State, whose public holidays apply to an entity established there. */
const EU_COUNTRY_OF_ZONE: Record<string, string> = {
  "Europe/Amsterdam": "NL",
  "Europe/Athens": "GR",
  "Europe/Berlin": "DE",
  "Europe/Bratislava": "SK",
  "Europe/Brussels": "BE",
  "Europe/Bucharest": "RO",
  "Europe/Budapest": "HU",
  "Europe/Busingen": "DE",
  "Europe/Copenhagen": "DK",
  "Europe/Dublin": "IE",
  "Europe/Helsinki": "FI",
  "Europe/Lisbon": "PT",
  "Europe/Ljubljana": "SI",
  "Europe/Luxembourg": "LU",
  "Europe/Madrid": "ES",
  "Europe/Malta": "MT",
  "Europe/Mariehamn": "FI",
  "Europe/Nicosia": "CY",
  "Europe/Paris": "FR",
  "Europe/Prague": "CZ",
  "Europe/Riga": "LV",
  "Europe/Rome": "IT",
  "Europe/Sofia": "BG",
  "Europe/Stockholm": "SE",
  "Europe/Tallinn": "EE",
  "Europe/Vienna": "AT",
  "Europe/Vilnius": "LT",
  "Europe/Warsaw": "PL",
  "Europe/Zagreb": "HR",
  "Asia/Nicosia": "CY",
  "Atlantic/Azores": "PT",
  "Atlantic/Canary": "ES",
  "Atlantic/Madeira": "PT",
  "Africa/Ceuta": "ES",
};
const US_ZONES = new Set([
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Phoenix",
  "America/Los_Angeles",
  "America/Anchorage",
  "America/Juneau",
  "America/Boise",
  "America/Detroit",
  "America/Indiana/Indianapolis",
  "America/Kentucky/Louisville",
  "Pacific/Honolulu",
  "America/Puerto_Rico",
]);
const CA_ZONES = new Set([
  "America/Toronto",
  "America/Vancouver",
  "America/Edmonton",
  "America/Winnipeg",
  "America/Regina",
  "America/Halifax",
  "America/St_Johns",
  "America/Moncton",
  "America/Whitehorse",
  "America/Montreal",
]);
const BR_ZONES =
  /^America\/(Sao_Paulo|Manaus|Bahia|Fortaleza|Recife|Belem|Cuiaba|Campo_Grande|Porto_Velho|Boa_Vista|Rio_Branco|Maceio|Araguaina|Santarem|Noronha|Eirunepe)$/;

/**
 * Zones of each jurisdiction a rule may be counted in besides its default. US states and
 * the New York DFS are absent on purpose: a zone cannot tell which state an organisation is
 * in (America/New_York covers a dozen), so those rules keep their own zone.
 */
const ZONES_OF: Record<string, (zone: string) => boolean> = {
  AU: (z) => z.startsWith("Australia/"),
  NZ: (z) => z === "Pacific/Auckland" || z === "Pacific/Chatham",
  EU: (z) => z in EU_COUNTRY_OF_ZONE,
  GB: (z) => z === "Europe/London",
  CA: (z) => CA_ZONES.has(z),
  "CA-QC": (z) => z === "America/Toronto" || z === "America/Montreal",
  "US-HHS": (z) => US_ZONES.has(z),
  "US-SEC": (z) => US_ZONES.has(z),
  "US-FTC": (z) => US_ZONES.has(z),
  BR: (z) => BR_ZONES.test(z),
  IN: (z) => z === "Asia/Kolkata" || z === "Asia/Calcutta",
  CN: (z) => z === "Asia/Shanghai" || z === "Asia/Urumqi",
  JP: (z) => z === "Asia/Tokyo",
  KR: (z) => z === "Asia/Seoul",
  SG: (z) => z === "Asia/Singapore",
  ZA: (z) => z === "Africa/Johannesburg",
};

export interface ZoneChoice {
  zone: string;
  /** Why this zone, in plain words, for the page and the audit log. */
  reason: string;
}

/**
 * The zone an applied rule is counted in: the incident's zone when it lies in the rule's
 * jurisdiction (an AU rule on an Australia/Perth incident counts in Perth), else the rule's own.
 */
export function chooseObligationZone(rule: Pick<Rule, "jurisdiction" | "zone">, incidentZone: string): ZoneChoice {
  if (incidentZone === rule.zone.name) return { zone: incidentZone, reason: `the rule's zone, which is also the incident's` };
  const isInJurisdiction = ZONES_OF[rule.jurisdiction]?.(incidentZone) ?? false;
  if (isInJurisdiction) {
    return {
      zone: incidentZone,
      reason: `the incident's zone, which is in ${rule.jurisdiction} (the rule's default is ${rule.zone.name})`,
    };
  }
  return { zone: rule.zone.name, reason: `the rule's zone (the incident's zone ${incidentZone} is not in ${rule.jurisdiction})` };
}

/** Australian zones and the state whose public holidays are kept where that zone's clocks run. */
const AU_STATE_OF_ZONE: Record<string, string> = {
  "Australia/Sydney": "NSW",
  "Australia/Canberra": "ACT",
  "Australia/ACT": "ACT",
  "Australia/Melbourne": "VIC",
  "Australia/Brisbane": "QLD",
  "Australia/Lindeman": "QLD",
  "Australia/Adelaide": "SA",
  "Australia/Broken_Hill": "NSW",
  "Australia/Perth": "WA",
  "Australia/Hobart": "TAS",
  "Australia/Darwin": "NT",
};

/**
 * The public holidays an obligation's business days and roll-forwards skip. The rule pack
 * names its default calendar with its default zone (NSW for the OAIC, Belgium for DORA), and
 * its notes say the holidays of the place where the thing is done govern; so an obligation
 * counted in the incident's own zone takes that place's calendar where the zone tells it: the
 * Australian state (Perth: WA) or the EU Member State (Berlin: DE). Elsewhere, and in the
 * rule's own zone, the rule's calendar. Derived from the copied terms and the stored zone, so
 * it is as stable as they are.
 */
export function holidaysOfObligation(rule: Pick<Rule, "jurisdiction" | "zone" | "holidays">, zone: string): HolidayCalendar {
  const own = { country: rule.holidays.country, state: rule.holidays.state };
  if (zone === rule.zone.name) return own;
  const auState = AU_STATE_OF_ZONE[zone];
  if (rule.holidays.country === "AU" && auState) return { country: "AU", state: auState };
  const euCountry = EU_COUNTRY_OF_ZONE[zone];
  if (rule.jurisdiction === "EU" && euCountry) return { country: euCountry, state: null };
  return own;
}
