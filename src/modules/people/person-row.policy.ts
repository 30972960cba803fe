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
import { type ImportWarning, mergeWarnings, type PersonWarnings, type ValueWarning } from "./person-warnings.policy.js";

/**
 * One CSV row to one affected person: validation with a stable reason code for every
 * rejection and a warning for every value that cannot be used (person-warnings.policy.ts),
 * normalisation (person-values.policy.ts), and the unique key that merges duplicates. The
 * column mapping is person-fields.policy.ts. Pure: no database, no clock.
 */

// notices.schemas.ts reads language tags the way an import does.
export { normaliseLanguage };

/**
 * Stable codes for why a row was rejected: counted per import and written in the error report.
 * Only rows that cannot be read reliably or that name no one are rejected (decision 0014); a
 * row naming someone with a value that cannot be used is kept with a warning
 * (person-warnings.policy.ts).
 */
export type RejectReason =
  | "empty_row"
  | "wrong_field_count"
  | "unclosed_quote"
  | "text_after_quote"
  | "no_identity"
  | "control_character"
  | "hidden_character";

/** What each reason means, for the error report. */
export const reasonMessages: Record<RejectReason, string> = {
  empty_row: "The row has no values.",
  wrong_field_count: "The row does not have as many fields as the header.",
  unclosed_quote: "A quoted field is never closed: a quote mark is missing.",
  text_after_quote: "Text follows a closing quote mark; put the whole field in quotes.",
  no_identity: "The row names no one: it has no e-mail address, name, external id, postal address or phone number.",
  control_character: "A value holds a control character (such as NUL or ESC); remove it.",
  hidden_character:
    "A value holds an invisible formatting character (such as a right-to-left override) that disguises text; remove it.",
};

/** Reasons imports before decision 0014 rejected rows for, which are warnings now: their records keep them. */
const earlierReasonMessages: Record<string, string> = {
  invalid_email: "The email address is not valid.",
  invalid_phone: "The phone number is not valid.",
  unknown_country: "The country is not an ISO 3166-1 code or a known country name.",
  invalid_language: "The language is not a language tag such as en or fr-CA.",
  invalid_at_risk: "At risk must be yes or no.",
  missing_contact: "The row has neither an email address nor a postal address.",
};

/** A reason code of any import, in words (the code itself when unknown). */
export function describeReason(code: string): string {
  return reasonMessages[code as RejectReason] ?? earlierReasonMessages[code] ?? code;
}

/**
 * A row kept, normalised, ready to be written: the columns the dialect's upsert writes, less
 * those the import adds (ids, the import), with the unmapped columns and the warnings as objects.
 */
export type PersonRow = Omit<PersonUpsertRow, "id" | "incidentId" | "importId" | "attributes" | "warnings"> & {
  /** Unmapped columns with a value, header -> value. */
  attributes: Record<string, string>;
  /** Values given that could not be used, as given. */
  warnings: PersonWarnings;
};

export type RowVerdict =
  | {
      ok: true;
      line: number;
      person: PersonRow;
      /** What the import counts for this row: its value warnings, and missing_contact. */
      warnings: ImportWarning[];
    }
  | {
      ok: false;
      line: number;
      raw: string;
      reasons: RejectReason[];
      /** Words for the report in place of a reason's general message: which column, which character. */
      notes?: Partial<Record<RejectReason, string>>;
    };

/**
 * The unique key within an incident: the external id when given, else the normalised email
 * (as given, when it is not valid: the same typo merges), else a hash of the normalised name,
 * address and phone (so an identical row still merges).
 */
export function uniqueKeyOf(
  person: Pick<PersonRow, "externalId" | "emailNormalized" | "givenName" | "familyName" | "postalAddress" | "phone">,
  emailAsGiven: string | null = null,
): string {
  if (person.externalId) return `ext:${person.externalId}`;
  if (person.emailNormalized) return `email:${person.emailNormalized}`;
  if (emailAsGiven) return `email:${emailAsGiven}`;
  const parts = [person.givenName, person.familyName, person.postalAddress ?? "", (person.phone ?? "").replace(/[^0-9+]/g, "")];
  const text = parts.map((p) => p.trim().toLowerCase().replace(/\s+/g, " ")).join("\u0000");
  return `nokey:${createHash("sha256").update(text).digest("hex")}`;
}

/**
 * The verdict on one record: a normalised person with the warnings of the values it could not
 * use, or every reason it cannot be one. A row is rejected only when it cannot be read reliably
 * (a broken quote, a field count unlike the header's, a hidden or control character) or names
 * no one (no e-mail address, name, external id, postal address or phone number).
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
  const isNamed = ["externalId", "email", "name", "givenName", "familyName", "postalAddress", "phone"].some(
    (field) => values[field as PersonField] !== undefined,
  );
  if (!isNamed) reasons.push("no_identity");
  if (reasons.length) return { ok: false, line, raw, reasons, ...(Object.keys(notes).length ? { notes } : {}) };
  const { person, warnings } = readValues(values);
  const names =
    values.givenName !== undefined || values.familyName !== undefined
      ? { givenName: values.givenName ?? "", familyName: values.familyName ?? "" }
      : splitName(values.name ?? "");
  const row: Omit<PersonRow, "uniqueKey"> = { externalId: values.externalId ?? null, ...names, ...person, attributes, warnings };
  const emailAsGiven = warnings.invalid_email === undefined ? null : normaliseEmail(warnings.invalid_email);
  const counted: ImportWarning[] = Object.keys(warnings) as ValueWarning[];
  if (row.emailNormalized === null && row.postalAddress === null) counted.push("missing_contact");
  return { ok: true, line, person: { uniqueKey: uniqueKeyOf(row, emailAsGiven), ...row }, warnings: counted };
}

/** The mapped values normalised, each one that cannot be used left out and kept as given under its warning. */
function readValues(values: Partial<Record<PersonField, string>>) {
  const warnings: PersonWarnings = {};
  let email: string | null = values.email ?? null;
  let emailNormalized = email === null ? null : normaliseEmail(email);
  if (email !== null && (emailNormalized === null || !isEmailValid(emailNormalized))) {
    warnings.invalid_email = email;
    email = null;
    emailNormalized = null;
  }
  let phone = values.phone ?? null;
  if (phone !== null && !isPhoneValid(phone)) {
    warnings.invalid_phone = phone;
    phone = null;
  }
  let country: string | null = null;
  if (values.country !== undefined) {
    country = normaliseCountry(values.country) ?? null;
    if (!country) warnings.unknown_country = values.country;
  }
  const region = values.region === undefined ? null : normaliseRegion(values.region, country);
  // A subdivision code names its country: fill it in when the row left it out.
  if (values.country === undefined && region && COUNTRY_CODES.has(region.slice(0, 2)) && region[2] === "-") {
    country = region.slice(0, 2);
  }
  let language: string | null = null;
  if (values.language !== undefined) {
    language = normaliseLanguage(values.language) ?? null;
    if (!language) warnings.invalid_language = values.language;
  }
  let isAtRisk: boolean | null = null;
  if (values.isAtRisk !== undefined) {
    const answer = values.isAtRisk.toLowerCase();
    if (yes.has(answer)) isAtRisk = true;
    else if (no.has(answer)) isAtRisk = false;
    else warnings.invalid_at_risk = values.isAtRisk;
  }
  const person = {
    email,
    emailNormalized,
    phone,
    postalAddress: values.postalAddress ?? null,
    city: values.city ?? null,
    postcode: values.postcode ?? null,
    country,
    region,
    language,
    isAtRisk,
  };
  return { person, warnings };
}

/**
 * Merges a later row with the same unique key into an earlier one the way the database
 * upsert does: a later value wins, a blank one never erases, attributes are combined, and a
 * warning goes when the later row has a usable value for its field.
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
    city: later.city ?? earlier.city,
    postcode: later.postcode ?? earlier.postcode,
    country: later.country ?? earlier.country,
    region: later.region ?? earlier.region,
    language: later.language ?? earlier.language,
    isAtRisk: later.isAtRisk ?? earlier.isAtRisk,
    attributes: { ...earlier.attributes, ...later.attributes },
    warnings: mergeWarnings(earlier.warnings, later.warnings, later),
  };
}
