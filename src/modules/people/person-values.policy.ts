/**
 * The values of a person's row as people type them, normalised: countries, regions, languages,
 * e-mail addresses, phone numbers, yes and no, names. Pure.
 */

export const COUNTRY_CODES = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO " +
    "JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR " +
    "MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO " +
    "RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV " +
    "TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
  ).split(" "),
);

/** English names (and common abbreviations) people type instead of codes: a small table, not a gazetteer. */
const countryByName: Record<string, string> = {
  australia: "AU",
  "new zealand": "NZ",
  "united states": "US",
  "united states of america": "US",
  usa: "US",
  "u.s.a.": "US",
  "united kingdom": "GB",
  uk: "GB",
  "great britain": "GB",
  england: "GB",
  scotland: "GB",
  wales: "GB",
  "northern ireland": "GB",
  ireland: "IE",
  canada: "CA",
  germany: "DE",
  france: "FR",
  spain: "ES",
  italy: "IT",
  portugal: "PT",
  netherlands: "NL",
  "the netherlands": "NL",
  belgium: "BE",
  switzerland: "CH",
  austria: "AT",
  sweden: "SE",
  norway: "NO",
  denmark: "DK",
  finland: "FI",
  poland: "PL",
  japan: "JP",
  china: "CN",
  "hong kong": "HK",
  india: "IN",
  singapore: "SG",
  malaysia: "MY",
  indonesia: "ID",
  philippines: "PH",
  "south korea": "KR",
  brazil: "BR",
  mexico: "MX",
  "south africa": "ZA",
};

/** An ISO 3166-1 alpha-2 code for a code or known English name; undefined when unknown. */
export function normaliseCountry(text: string): string | undefined {
  const upper = text.trim().toUpperCase();
  if (COUNTRY_CODES.has(upper)) return upper;
  return countryByName[text.trim().toLowerCase().replace(/\s+/g, " ")];
}

const languageByName: Record<string, string> = {
  english: "en",
  french: "fr",
  german: "de",
  spanish: "es",
  italian: "it",
  portuguese: "pt",
  dutch: "nl",
  chinese: "zh",
  japanese: "ja",
  korean: "ko",
  vietnamese: "vi",
  arabic: "ar",
  hindi: "hi",
};

/** A BCP 47 tag with conventional case (fr-CA, zh-Hant), from a tag, a locale (fr_CA) or an English name. */
export function normaliseLanguage(text: string): string | undefined {
  const trimmed = text.trim();
  const named = languageByName[trimmed.toLowerCase()];
  if (named) return named;
  if (!/^[a-z]{2,3}([-_][a-z0-9]{2,8})*$/i.test(trimmed)) return undefined;
  const [lang, ...subtags] = trimmed.split(/[-_]/);
  const rest = subtags.map((t) =>
    t.length === 2 ? t.toUpperCase() : t.length === 4 ? t[0]!.toUpperCase() + t.slice(1).toLowerCase() : t.toLowerCase(),
  );
  return [lang!.toLowerCase(), ...rest].join("-");
}

/** The lower-cased, trimmed address that uniqueness uses; null when blank. */
export function normaliseEmail(text: string): string | null {
  const trimmed = text.trim().toLowerCase();
  return trimmed === "" ? null : trimmed;
}

/** Deliberately simple: one @, no spaces, a dot in the domain, within RFC 5321 lengths. */
export function isEmailValid(email: string): boolean {
  if (email.length > 254) return false;
  const at = email.lastIndexOf("@");
  return at > 0 && at <= 64 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email);
}

/** Digits with the usual punctuation and an optional extension; at least 5 digits. */
export function isPhoneValid(phone: string): boolean {
  return /^\+?[0-9 ()./-]+((ext\.?|x)\s*[0-9]+)?$/i.test(phone) && (phone.match(/[0-9]/g)?.length ?? 0) >= 5;
}

export const yes = new Set(["yes", "y", "true", "1", "at risk"]);
export const no = new Set(["no", "n", "false", "0", "not at risk"]);

/** An ISO 3166-2 code when the text looks like one (AU-NSW, or NSW with the country AU); else the text. */
export function normaliseRegion(text: string, country: string | null): string {
  const upper = text.toUpperCase();
  if (/^[A-Z]{2}-[A-Z0-9]{1,3}$/.test(upper)) return upper;
  if (country && /^[A-Z0-9]{1,3}$/.test(upper)) return `${country}-${upper}`;
  return text;
}

/** Splits "Given Family" (last word is the family name) or "Family, Given". */
export function splitName(name: string): { givenName: string; familyName: string } {
  const text = name.trim().replace(/\s+/g, " ");
  const comma = text.indexOf(",");
  if (comma !== -1) return { givenName: text.slice(comma + 1).trim(), familyName: text.slice(0, comma).trim() };
  const space = text.lastIndexOf(" ");
  if (space === -1) return { givenName: text, familyName: "" };
  return { givenName: text.slice(0, space), familyName: text.slice(space + 1) };
}
