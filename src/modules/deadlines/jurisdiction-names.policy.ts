// The names of the places the rule pack writes as codes, for reasons in words ("312 residents of
// Texas"), and which codes lie within which (AU-NSW within AU, DE within the EU).

/** EU member states' codes: being in one of them is being in the EU. */
export const EU_MEMBER_CODES: ReadonlySet<string> = new Set(
  "AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split(" "),
);

const US_NAMES: Record<string, string> = {
  AL: "Alabama",
  AK: "Alaska",
  AZ: "Arizona",
  AR: "Arkansas",
  CA: "California",
  CO: "Colorado",
  CT: "Connecticut",
  DE: "Delaware",
  DC: "the District of Columbia",
  FL: "Florida",
  GA: "Georgia",
  HI: "Hawaii",
  ID: "Idaho",
  IL: "Illinois",
  IN: "Indiana",
  IA: "Iowa",
  KS: "Kansas",
  KY: "Kentucky",
  LA: "Louisiana",
  ME: "Maine",
  MD: "Maryland",
  MA: "Massachusetts",
  MI: "Michigan",
  MN: "Minnesota",
  MS: "Mississippi",
  MO: "Missouri",
  MT: "Montana",
  NE: "Nebraska",
  NV: "Nevada",
  NH: "New Hampshire",
  NJ: "New Jersey",
  NM: "New Mexico",
  NY: "New York",
  NC: "North Carolina",
  ND: "North Dakota",
  OH: "Ohio",
  OK: "Oklahoma",
  OR: "Oregon",
  PA: "Pennsylvania",
  RI: "Rhode Island",
  SC: "South Carolina",
  SD: "South Dakota",
  TN: "Tennessee",
  TX: "Texas",
  UT: "Utah",
  VT: "Vermont",
  VA: "Virginia",
  WA: "Washington",
  WV: "West Virginia",
  WI: "Wisconsin",
  WY: "Wyoming",
  PR: "Puerto Rico",
  GU: "Guam",
  VI: "the US Virgin Islands",
};

const OTHER_NAMES: Record<string, string> = {
  EU: "the EU",
  GB: "the UK",
  US: "the United States",
  AU: "Australia",
  JP: "Japan",
  CN: "China",
  CA: "Canada",
  "CA-QC": "Québec",
  NZ: "New Zealand",
  SG: "Singapore",
  BR: "Brazil",
  IN: "India",
  ZA: "South Africa",
  KR: "South Korea",
  CH: "Switzerland",
  PH: "the Philippines",
  TH: "Thailand",
  ID: "Indonesia",
  VN: "Vietnam",
  MY: "Malaysia",
  SA: "Saudi Arabia",
  TR: "Türkiye",
  NG: "Nigeria",
  KE: "Kenya",
  CO: "Colombia",
  "CA-ON": "Ontario",
  "CA-AB": "Alberta",
};

/** "US-TX" gives "Texas", "EU" "the EU"; a code without a name is written as itself. */
export function placeName(code: string): string {
  const us = /^US-([A-Z]{2})$/.exec(code);
  if (us?.[1] && US_NAMES[us[1]]) return US_NAMES[us[1]] as string;
  return OTHER_NAMES[code] ?? code;
}

/** True when `code` is `scope` or lies within it: AU-NSW within AU, DE and DE-BY within EU. */
export function isWithin(code: string, scope: string): boolean {
  const upper = code.toUpperCase();
  if (upper === scope || upper.startsWith(`${scope}-`)) return true;
  return scope === "EU" && EU_MEMBER_CODES.has(upper.split("-")[0] ?? "");
}

/**
 * True when `code` is wider than `scope` and holds it: "US" for US-TX, "EU" for DE. People known
 * only by such a code may or may not be in the scope.
 */
export function mayHold(code: string, scope: string): boolean {
  const upper = code.toUpperCase();
  if (upper === scope) return false;
  if (scope.startsWith(`${upper}-`)) return true;
  return upper === "EU" && EU_MEMBER_CODES.has(scope.split("-")[0] ?? "");
}
