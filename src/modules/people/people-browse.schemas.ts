import { z } from "zod";
import { findUnsafeCharacter } from "../../lib/text-safety.js";
import { valueWarnings } from "./person-warnings.policy.js";

/**
 * The filters of the people page and of the API's people list: the same names and values in
 * both. A value that cannot be used is refused with a message rather than ignored, so a typo
 * never silently widens (or empties) the list.
 */

/** Empty query values mean "not given", as in a form left blank. */
const blankAsMissing = (value: unknown) => (value === "" ? undefined : value);

/**
 * An optional text parameter given at most once, trimmed, without control characters
 * (PostgreSQL rejects NUL in text, and nobody types the others) or hidden formatting (lib/text-safety.ts).
 */
function optionalText(name: string, max: number, message: string) {
  return z.preprocess(
    blankAsMissing,
    z
      .string({ message: `Give ${name} once.` })
      .trim()
      .max(max, { message })
      .refine((v) => !findUnsafeCharacter(v, "line"), {
        message: `${message} Leave out control and invisible formatting characters.`,
      })
      .optional(),
  );
}

export const atRiskValues = ["yes", "no", "unknown"] as const;
/** A warning the import kept on people (person-warnings.policy.ts), or any of them. */
export const warningFilterValues = [...valueWarnings, "any"] as const;
export const hasEmailValues = ["yes", "no"] as const;

/** A person's id as a page cursor: ids are UUIDs; anything else cannot name a person. */
const personCursor = (name: string) =>
  z.preprocess(
    blankAsMissing,
    z
      .string({ message: `Give ${name} once.` })
      .regex(/^[\w-]{1,64}$/, { message: "This page link is not valid; start again from the first page." })
      .optional(),
  );

export const peopleFilterFields = {
  q: optionalText("q", 200, "Search with at most 200 characters."),
  country: z.preprocess(
    blankAsMissing,
    z
      .string({ message: "Give country once." })
      .trim()
      .transform((v) => (v.toLowerCase() === "none" ? "none" : v.toUpperCase()))
      .refine((v) => v === "none" || /^[A-Z]{2}$/.test(v), {
        message: "Use a two-letter country code such as AU, or none for people without a country.",
      })
      .optional(),
  ),
  region: optionalText("region", 100, "Give a state or region such as AU-NSW (at most 100 characters), or none."),
  category: optionalText("category", 80, "Choose a data category from the list."),
  atRisk: z.preprocess(blankAsMissing, z.enum(atRiskValues, { message: "Use yes, no or unknown (not assessed)." }).optional()),
  hasEmail: z.preprocess(blankAsMissing, z.enum(hasEmailValues, { message: "Use yes or no." }).optional()),
  warning: z.preprocess(
    blankAsMissing,
    z.enum(warningFilterValues, { message: `Use one of ${warningFilterValues.join(", ")}.` }).optional(),
  ),
  import: z.preprocess(
    blankAsMissing,
    z
      .string({ message: "Give import once." })
      .regex(/^[\w-]{1,64}$/, { message: "Choose an import of this incident from the list." })
      .optional(),
  ),
};

/** The people page's query: the filters and a cursor (the person the page starts after or ends before). */
export const peoplePageQuerySchema = z
  .object({ ...peopleFilterFields, after: personCursor("after"), before: personCursor("before") })
  .refine((v) => !(v.after && v.before), {
    message: "This page link is not valid; start again from the first page.",
    path: ["after"],
  });
export type PeoplePageQuery = z.infer<typeof peoplePageQuerySchema>;

const LIMIT_MESSAGE = "Give limit as a whole number from 1 to 1000.";

/** The API's people list query: the filters, a cursor and a page size. */
export const peopleApiQuerySchema = z.object({
  ...peopleFilterFields,
  after: personCursor("after"),
  limit: z.coerce
    .number({ message: LIMIT_MESSAGE })
    .int({ message: LIMIT_MESSAGE })
    .min(1, { message: LIMIT_MESSAGE })
    .max(1000, { message: LIMIT_MESSAGE })
    .default(100),
});
export type PeopleApiQuery = z.infer<typeof peopleApiQuerySchema>;

/** The filters of a people list, checked for form but not yet against the incident. */
export type PeopleFilterInput = Pick<PeoplePageQuery, keyof typeof peopleFilterFields>;
