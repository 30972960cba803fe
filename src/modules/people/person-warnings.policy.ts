/**
 * What an import could not use in a row it kept (decision 0014): a malformed e-mail address, a
 * bad phone number, an unknown country, an unreadable language or at-risk answer. The person is
 * kept; the unusable value is not put in its field (nothing sends to a malformed address) but is
 * kept as given, under its warning code, in the person's `warnings`. A person with neither a
 * usable e-mail address nor a postal address counts under missing_contact (derived, not stored).
 * Pure.
 */

/** Warnings kept on the person, each with the value as given. */
export const valueWarnings = [
  "invalid_email",
  "invalid_phone",
  "unknown_country",
  "invalid_language",
  "invalid_at_risk",
] as const;
export type ValueWarning = (typeof valueWarnings)[number];

/** Warnings an import counts: the values it could not use, and people it has no way to write to. */
export type ImportWarning = ValueWarning | "missing_contact";

/** A person's unusable values as given, by warning. */
export type PersonWarnings = Partial<Record<ValueWarning, string>>;

/** What each warning means, for the import's page and the person's. */
export const warningMessages: Record<ImportWarning, string> = {
  invalid_email: "The e-mail address is not valid: the person is kept without one, to be told another way.",
  invalid_phone: "The phone number is not valid: the person is kept without one.",
  unknown_country: "The country is not an ISO 3166-1 code or a known country name: the person is kept without one.",
  invalid_language: "The language is not a tag such as en or fr-CA: the person is kept without one.",
  invalid_at_risk: "At risk is not yes or no: the person is kept as not assessed.",
  missing_contact: "Neither a usable e-mail address nor a postal address: find another way to tell them.",
};

/** The field of the person a warning stands in for: a later usable value there clears the warning. */
export const warningFields = {
  invalid_email: "emailNormalized",
  invalid_phone: "phone",
  unknown_country: "country",
  invalid_language: "language",
  invalid_at_risk: "isAtRisk",
} as const satisfies Record<ValueWarning, string>;

/** The person's columns (snake_case) that clear each warning, for the upsert's merge. */
export const warningColumns: Record<ValueWarning, string> = {
  invalid_email: "email_normalized",
  invalid_phone: "phone",
  unknown_country: "country",
  invalid_language: "language",
  invalid_at_risk: "is_at_risk",
};

type WarningFieldValues = { [K in ValueWarning as (typeof warningFields)[K]]: unknown };

/**
 * The warnings of a person after a later row merged into an earlier one, as the database merge
 * does: a warning goes when the later row has a usable value for its field; the later row's own
 * warnings replace the earlier ones.
 */
export function mergeWarnings(earlier: PersonWarnings, later: PersonWarnings, laterValues: WarningFieldValues): PersonWarnings {
  const merged: PersonWarnings = {};
  for (const code of valueWarnings) {
    const value = later[code] ?? (laterValues[warningFields[code]] == null ? earlier[code] : undefined);
    if (value !== undefined) merged[code] = value;
  }
  return merged;
}

/** A person's stored warnings; anything unreadable counts as none. */
export function parsePersonWarnings(text: string | null | undefined): PersonWarnings {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    const warnings: PersonWarnings = {};
    for (const code of valueWarnings) {
      const value = (parsed as Record<string, unknown>)[code];
      if (typeof value === "string") warnings[code] = value;
    }
    return warnings;
  } catch {
    return {};
  }
}

const fieldNames: Record<ValueWarning, string> = {
  invalid_email: "e-mail address",
  invalid_phone: "phone number",
  unknown_country: "country",
  invalid_language: "language",
  invalid_at_risk: "at-risk answer",
};

/** One warning in words, naming the value given, e.g. The e-mail address given, “bob@@x.org”, is not valid. */
export function describeWarning(code: ValueWarning, given: string): string {
  const what = fieldNames[code];
  const verb = code === "unknown_country" ? "is not a country Breachdesk knows" : "is not valid";
  return `The ${what} given, “${given}”, ${verb}: it was not used.`;
}

/** Why a person has no usable e-mail address: a malformed one was given (with it), or none was. */
export type EmailProblem = { code: "invalid_email"; given: string; message: string } | { code: "no_email"; message: string };

/** The e-mail problem of a person without a usable address (null when they have one). */
export function emailProblemOf(person: { emailNormalized: string | null; warnings: string }): EmailProblem | null {
  if (person.emailNormalized !== null) return null;
  const given = parsePersonWarnings(person.warnings).invalid_email;
  if (given !== undefined) {
    return { code: "invalid_email", given, message: `The e-mail address given, “${given}”, is not valid.` };
  }
  return { code: "no_email", message: "No e-mail address was given." };
}
