import { createHash } from "node:crypto";
import type { PersonUpsertRow } from "../../db/dialect.js";
import type { CsvRecord } from "../../lib/csv-reader.js";
import { AppError } from "../../lib/errors.js";
import { hiddenCharacterOf } from "./person-row-text.js";

/**
 * One CSV row to one affected person: column mapping, validation with a stable reason code
 * for every rejection, normalisation, and the unique key that merges duplicates. Pure: no
 * database, no clock.
 */

/** Fields a column can be mapped to; "attribute" keeps it as free data, "ignore" drops it. */
export const personFields = [
  "externalId",
  "name",
  "givenName",
  "familyName",
  "email",
  "phone",
  "postalAddress",
  "country",
  "region",
  "language",
  "isAtRisk",
  "attribute",
  "ignore",
] as const;
export type PersonField = (typeof personFields)[number];

/** Stable codes for why a row was rejected: counted per import and written in the error report. */
export type RejectReason =
  | "empty_row"
  | "wrong_field_count"
  | "unclosed_quote"
  | "text_after_quote"
  | "invalid_email"
  | "invalid_phone"
  | "unknown_country"
  | "invalid_language"
  | "invalid_at_risk"
  | "missing_contact"
  | "control_character"
  | "hidden_character";

/** What each reason means, for the error report. */
export const reasonMessages: Record<RejectReason, string> = {
  empty_row: "The row has no values.",
  wrong_field_count: "The row does not have as many fields as the header.",
  unclosed_quote: "A quoted field is never closed: a quote mark is missing.",
  text_after_quote: "Text follows a closing quote mark; put the whole field in quotes.",
  invalid_email: "The email address is not valid.",
  invalid_phone: "The phone number is not valid.",
  unknown_country: "The country is not an ISO 3166-1 code or a known country name.",
  invalid_language: "The language is not a language tag such as en or fr-CA.",
  invalid_at_risk: "At risk must be yes or no.",
  missing_contact: "The row has neither an email address nor a postal address.",
  control_character: "A value holds a control character (such as NUL or ESC); remove it.",
  hidden_character:
    "A value holds an invisible formatting character (such as a right-to-left override) that disguises text; remove it.",
};

/**
 * A valid row, normalised, ready to be written: the columns the dialect's upsert writes, less
 * those the import adds (ids, the import), with the unmapped columns as an object.
 */
export type PersonRow = Omit<PersonUpsertRow, "id" | "incidentId" | "importId" | "attributes"> & {
  /** Unmapped columns with a value, header -> value. */
  attributes: Record<string, string>;
};

export type RowVerdict =
  | { ok: true; line: number; person: PersonRow }
  | {
      ok: false;
      line: number;
      raw: string;
      reasons: RejectReason[];
      /** Words for the report in place of a reason's general message: which column, which character. */
      notes?: Partial<Record<RejectReason, string>>;
    };

/** Column index -> field, resolved once from the header row. */
export interface ColumnMapping {
  headers: string[];
  fields: PersonField[];
}

/** Header names (lower-cased, letters and digits only) and the field each suggests. */
const headerGuesses: Record<string, PersonField> = {
  email: "email",
  emailaddress: "email",
  mail: "email",
  firstname: "givenName",
  givenname: "givenName",
  forename: "givenName",
  lastname: "familyName",
  surname: "familyName",
  familyname: "familyName",
  name: "name",
  fullname: "name",
  phone: "phone",
  phonenumber: "phone",
  mobile: "phone",
  mobilephone: "phone",
  telephone: "phone",
  tel: "phone",
  address: "postalAddress",
  street: "postalAddress",
  streetaddress: "postalAddress",
  postaladdress: "postalAddress",
  mailingaddress: "postalAddress",
  country: "country",
  countrycode: "country",
  state: "region",
  region: "region",
  province: "region",
  language: "language",
  locale: "language",
  preferredlanguage: "language",
  id: "externalId",
  externalid: "externalId",
  customerid: "externalId",
  memberid: "externalId",
  atrisk: "isAtRisk",
  isatrisk: "isAtRisk",
};

const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");
const fieldBySquashedName = new Map<string, PersonField>(personFields.map((f) => [squash(f), f]));

/** The field a header suggests, or attribute when none. */
export function guessField(header: string): PersonField {
  return headerGuesses[squash(header)] ?? "attribute";
}

/**
 * Maps each header column to a field: explicit choices (header -> field, any case and
 * separators in the field name) first, then guesses from English header names; a field
 * guessed for two columns goes to the first, the others are kept as attributes. Throws a
 * validation error naming an unknown column or field.
 */
export function resolveMapping(headers: string[], explicit: Record<string, string> = {}): ColumnMapping {
  const trimmed = headers.map((h) => h.trim());
  const fields: PersonField[] = trimmed.map(() => "attribute");
  const chosen = new Set<number>();
  const fieldErrors: Record<string, string> = {};
  for (const [column, fieldName] of Object.entries(explicit)) {
    const index = trimmed.findIndex((h) => h.toLowerCase() === column.trim().toLowerCase());
    const field = fieldBySquashedName.get(squash(fieldName));
    if (index === -1) fieldErrors[column] = `No column is named "${column}". The columns are: ${trimmed.join(", ")}.`;
    else if (!field) fieldErrors[column] = `Unknown field "${fieldName}". Use one of: ${personFields.join(", ")}.`;
    else {
      fields[index] = field;
      chosen.add(index);
    }
  }
  if (Object.keys(fieldErrors).length) throw new AppError("validation", "The column mapping cannot be used.", fieldErrors);
  const taken = new Set(fields.filter((f, i) => chosen.has(i) && f !== "attribute" && f !== "ignore"));
  for (const [index, header] of trimmed.entries()) {
    if (chosen.has(index)) continue;
    const guess = guessField(header);
    if (guess !== "attribute" && !taken.has(guess)) {
      fields[index] = guess;
      taken.add(guess);
    }
  }
  return { headers: trimmed, fields };
}

/** The mapping stored on an import record (header -> field); an unreadable one is no mapping. */
export function parseStoredMapping(text: string): Record<string, string> {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

const COUNTRY_CODES = new Set(
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
function isEmailValid(email: string): boolean {
  if (email.length > 254) return false;
  const at = email.lastIndexOf("@");
  return at > 0 && at <= 64 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email);
}

/** Digits with the usual punctuation and an optional extension; at least 5 digits. */
function isPhoneValid(phone: string): boolean {
  return /^\+?[0-9 ()./-]+((ext\.?|x)\s*[0-9]+)?$/i.test(phone) && (phone.match(/[0-9]/g)?.length ?? 0) >= 5;
}

const yes = new Set(["yes", "y", "true", "1", "at risk"]);
const no = new Set(["no", "n", "false", "0", "not at risk"]);

/** An ISO 3166-2 code when the text looks like one (AU-NSW, or NSW with the country AU); else the text. */
function normaliseRegion(text: string, country: string | null): string {
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

/**
 * The unique key within an incident: the external id when given, else the normalised email,
 * else a hash of the normalised name, address and phone (so an identical row still merges).
 */
export function uniqueKeyOf(
  person: Pick<PersonRow, "externalId" | "emailNormalized" | "givenName" | "familyName" | "postalAddress" | "phone">,
): string {
  if (person.externalId) return `ext:${person.externalId}`;
  if (person.emailNormalized) return `email:${person.emailNormalized}`;
  const parts = [person.givenName, person.familyName, person.postalAddress ?? "", (person.phone ?? "").replace(/[^0-9+]/g, "")];
  const text = parts.map((p) => p.trim().toLowerCase().replace(/\s+/g, " ")).join("\u0000");
  return `nokey:${createHash("sha256").update(text).digest("hex")}`;
}

/**
 * The verdict on one record: a normalised person, or every reason it cannot be one. A row
 * must have as many fields as the header, at least one value, and an email or a postal
 * address; every value given must be valid.
 */
export function validateRecord(record: CsvRecord, mapping: ColumnMapping): RowVerdict {
  const { line, raw, fields } = record;
  const reject = (reasons: RejectReason[]): RowVerdict => ({ ok: false, line, raw, reasons });
  if (record.error) return reject([record.error]);
  if (fields.every((f) => f.trim() === "")) return reject(["empty_row"]);
  if (fields.length !== mapping.fields.length) return reject(["wrong_field_count"]);
  const values: Partial<Record<PersonField, string>> = {};
  const attributes: Record<string, string> = {};
  const notes: Partial<Record<RejectReason, string>> = {};
  for (let i = 0; i < fields.length; i++) {
    const value = fields[i]!.trim();
    const field = mapping.fields[i]!;
    if (value === "" || field === "ignore") continue;
    const header = mapping.headers[i] || `column ${i + 1}`;
    const hidden = hiddenCharacterOf(value, field, header);
    if (hidden) notes[hidden.reason] ??= hidden.note;
    if (field === "attribute") attributes[header] = value;
    else values[field] ??= value;
  }
  const reasons = Object.keys(notes) as RejectReason[];
  const email = values.email ?? null;
  const emailNormalized = email === null ? null : normaliseEmail(email);
  if (emailNormalized !== null && !isEmailValid(emailNormalized)) reasons.push("invalid_email");
  const phone = values.phone ?? null;
  if (phone !== null && !isPhoneValid(phone)) reasons.push("invalid_phone");
  let country: string | null = null;
  if (values.country !== undefined) {
    country = normaliseCountry(values.country) ?? null;
    if (!country) reasons.push("unknown_country");
  }
  const region = values.region === undefined ? null : normaliseRegion(values.region, country);
  // A subdivision code names its country: fill it in when the row left it out.
  if (values.country === undefined && region && COUNTRY_CODES.has(region.slice(0, 2)) && region[2] === "-") {
    country = region.slice(0, 2);
  }
  let language: string | null = null;
  if (values.language !== undefined) {
    language = normaliseLanguage(values.language) ?? null;
    if (!language) reasons.push("invalid_language");
  }
  let isAtRisk: boolean | null = null;
  if (values.isAtRisk !== undefined) {
    const answer = values.isAtRisk.toLowerCase();
    if (yes.has(answer)) isAtRisk = true;
    else if (no.has(answer)) isAtRisk = false;
    else reasons.push("invalid_at_risk");
  }
  const postalAddress = values.postalAddress ?? null;
  if (email === null && postalAddress === null) reasons.push("missing_contact");
  if (reasons.length) return { ok: false, line, raw, reasons, ...(Object.keys(notes).length ? { notes } : {}) };
  const names =
    values.givenName !== undefined || values.familyName !== undefined
      ? { givenName: values.givenName ?? "", familyName: values.familyName ?? "" }
      : splitName(values.name ?? "");
  const person: Omit<PersonRow, "uniqueKey"> = {
    externalId: values.externalId ?? null,
    ...names,
    email,
    emailNormalized,
    phone,
    postalAddress,
    country,
    region,
    language,
    isAtRisk,
    attributes,
  };
  return { ok: true, line, person: { uniqueKey: uniqueKeyOf(person), ...person } };
}

/**
 * Merges a later row with the same unique key into an earlier one the way the database
 * upsert does: a later value wins, a blank one never erases, attributes are combined.
 */
export function mergePersonRows(earlier: PersonRow, later: PersonRow): PersonRow {
  return {
    uniqueKey: earlier.uniqueKey,
    externalId: later.externalId ?? earlier.externalId,
    givenName: later.givenName || earlier.givenName,
    familyName: later.familyName || earlier.familyName,
    email: later.email ?? earlier.email,
    emailNormalized: later.emailNormalized ?? earlier.emailNormalized,
    phone: later.phone ?? earlier.phone,
    postalAddress: later.postalAddress ?? earlier.postalAddress,
    country: later.country ?? earlier.country,
    region: later.region ?? earlier.region,
    language: later.language ?? earlier.language,
    isAtRisk: later.isAtRisk ?? earlier.isAtRisk,
    attributes: { ...earlier.attributes, ...later.attributes },
  };
}
