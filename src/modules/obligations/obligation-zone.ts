// Which zone an applied rule counts its days in. The pack gives each rule a default zone (the
// regulator's capital), but the laws researched count days where the thing is done: an
// Australian entity in Perth counts the OAIC's 30 days in Perth. So when the incident's own
// zone lies in the rule's jurisdiction, the incident's zone wins.
import type { Rule } from "../deadlines/rule-pack.js";

const EU_ZONES = new Set([
  "Europe/Amsterdam",
  "Europe/Athens",
  "Europe/Berlin",
  "Europe/Bratislava",
  "Europe/Brussels",
  "Europe/Bucharest",
  "Europe/Budapest",
  "Europe/Busingen",
  "Europe/Copenhagen",
  "Europe/Dublin",
  "Europe/Helsinki",
  "Europe/Lisbon",
  "Europe/Ljubljana",
  "Europe/Luxembourg",
  "Europe/Madrid",
  "Europe/Malta",
  "Europe/Mariehamn",
  "Europe/Nicosia",
  "Europe/Paris",
  "Europe/Prague",
  "Europe/Riga",
  "Europe/Rome",
  "Europe/Sofia",
  "Europe/Stockholm",
  "Europe/Tallinn",
  "Europe/Vienna",
  "Europe/Vilnius",
  "Europe/Warsaw",
  "Europe/Zagreb",
  "Asia/Nicosia",
  "Atlantic/Azores",
  "Atlantic/Canary",
  "Atlantic/Madeira",
  "Africa/Ceuta",
]);
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
  EU: (z) => EU_ZONES.has(z),
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
