import { createHash } from "node:crypto";
import type { CsvRecord } from "../../lib/csv-reader.js";
import type { PersonUpsertRow } from "./people-bulk.sql.js";
import type { ColumnMapping, PersonField } from "./person-fields.policy.js";
import { hiddenCharacterOf } from "./person-row-text.policy.js";
import {
  COUNTRY_CODES,
  isEmailValid,
  isPhoneValid,
  no,
  normaliseCountry,
  normaliseEmail,
  normaliseLanguage,
  normaliseRegion,
  splitName,
  yes,
} from "./person-values.policy.js";

/**
 * One CSV row to one affected person: validation with a stable reason code for every
 * rejection, normalisation (person-values.ts), and the unique key that merges duplicates.
 * The column mapping is person-fields.ts. Pure: no database, no clock.
 */

// notices.schemas.ts reads language tags the way an import does.
export { normaliseLanguage };

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
