import { AppError } from "../../lib/errors.js";

/**
 * Which column of a people file is which field of a person: the fields, the guesses from
 * English header names, and the one rule that turns a header row and any explicit choices into
 * the mapping an import runs with. Pure.
 */

export const personFields = [
  "externalId",
  "name",
  "givenName",
  "familyName",
  "email",
  "phone",
  "postalAddress",
  "city",
  "region",
  "postcode",
  "country",
  "language",
  "isAtRisk",
  "attribute",
  "ignore",
] as const;
export type PersonField = (typeof personFields)[number];
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
  city: "city",
  town: "city",
  towncity: "city",
  suburb: "city",
  suburbtown: "city",
  locality: "city",
  postcode: "postcode",
  postalcode: "postcode",
  zip: "postcode",
  zipcode: "postcode",
  postcodezip: "postcode",
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

/**
 * The mapping an upload proposes, header -> field, worked out once when it is recorded: the
 * columns named in `explicit` (any case) as given, then the incident's last mapping for a header
 * it had, then the guess from the header's name. Throws a validation error naming an unknown
 * column or field in `explicit`.
 */
export function proposeMapping(
  headers: string[],
  remembered: Record<string, string>,
  explicit: Record<string, string> = {},
): Record<string, string> {
  const guessed = resolveMapping(headers, explicit);
  const named = new Set(Object.keys(explicit).map((column) => column.trim().toLowerCase()));
  const mapping: Record<string, string> = {};
  guessed.headers.forEach((header, index) => {
    const last = remembered[header];
    const isRemembered = !named.has(header.toLowerCase()) && last && (personFields as readonly string[]).includes(last);
    mapping[header] = isRemembered ? last : guessed.fields[index]!;
  });
  return mapping;
}
