import { z } from "zod";
import { Prisma } from "../../generated/sqlite/client.js";
import { containsPattern } from "../../lib/like-pattern.js";
import { findUnsafeCharacter } from "../../lib/text-safety.js";

/**
 * Who a campaign is sent to: the incident's people, narrowed by each filter that is set (all
 * of them must hold). Stored as JSON on the campaign and applied when it starts, so a person
 * imported before the start is included.
 */
export interface Audience {
  /** Only people assessed at risk of serious harm. */
  atRiskOnly: boolean;
  /** Only people in these places: ISO 3166-1 countries (AU) or 3166-2 subdivisions (AU-NSW); empty: anywhere. */
  places: string[];
  /** Only people no campaign has told yet (no delivery sent or told another way). */
  notYetNotified: boolean;
  /** Only people whose earlier notice failed or bounced, and who have not been told since. */
  failedBefore: boolean;
  /**
   * Only people whose imported column NAME holds one of the values (any letter case), for every
   * filter listed, e.g. conference = PyCon AU 2014; empty: no filter on columns.
   */
  attributes: AttributeFilter[];
}

/** One imported column and the values it may hold (exact, any letter case). */
export interface AttributeFilter {
  name: string;
  values: string[];
}

export const everyone: Audience = { atRiskOnly: false, places: [], notYetNotified: false, failedBefore: false, attributes: [] };

/** The most column filters an audience takes, and values per filter. */
export const MAX_ATTRIBUTE_FILTERS = 10;
export const MAX_ATTRIBUTE_VALUES = 100;

const attributeText = (what: string) =>
  z
    .string({ message: `${what} must be text.` })
    .trim()
    .min(1, { message: `${what} cannot be empty.` })
    .max(200, { message: `${what} has at most 200 characters.` })
    .refine((v) => !findUnsafeCharacter(v, "line"), { message: `${what} holds a control or invisible character.` });

/** Column filters as the API gives them: [{ name, values }], or { name: value | [values] }. */
const attributeFiltersSchema = z
  .union([
    z.array(
      z.object({
        name: attributeText("A column's name"),
        values: z.array(attributeText("A value")).min(1).max(MAX_ATTRIBUTE_VALUES),
      }),
    ),
    z.record(z.string(), z.union([attributeText("A value"), z.array(attributeText("A value")).min(1).max(MAX_ATTRIBUTE_VALUES)])),
  ])
  .transform((given): AttributeFilter[] =>
    Array.isArray(given)
      ? given
      : Object.entries(given).map(([name, values]) => ({ name: name.trim(), values: Array.isArray(values) ? values : [values] })),
  )
  .refine((filters) => filters.length <= MAX_ATTRIBUTE_FILTERS, {
    message: `Filter on at most ${MAX_ATTRIBUTE_FILTERS} columns.`,
  });

const PLACE = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
const checked = z
  .string()
  .optional()
  .transform((v) => v === "on" || v === "yes" || v === "true");

/**
 * The audience fields of the campaign form: checkboxes, places separated by commas or spaces, and
 * one imported column (attributeName) with its values one per line (attributeValues); the API
 * gives its column filters as `attributes`.
 */
export const audienceFormSchema = z.object({
  atRiskOnly: checked,
  notYetNotified: checked,
  failedBefore: checked,
  places: z
    .string()
    .max(2000, { message: "List at most a few hundred places." })
    .optional()
    .transform((v) => [
      ...new Set(
        (v ?? "")
          .toUpperCase()
          .split(/[\s,;]+/)
          .filter(Boolean),
      ),
    ])
    .superRefine((places, ctx) => {
      const bad = places.filter((p) => !PLACE.test(p));
      if (bad.length)
        ctx.addIssue({
          code: "custom",
          message: `Write places as country codes (AU, NZ) or state codes (AU-NSW, US-CA); these are not: ${bad.slice(0, 5).join(", ")}.`,
        });
    }),
  attributeName: z.string().trim().max(200, { message: "A column's name has at most 200 characters." }).optional(),
  attributeValues: z.string().max(20_000, { message: "List at most a hundred values." }).optional(),
  attributes: attributeFiltersSchema.optional(),
});

/**
 * The column filters of a parsed audience form: the API's `attributes`, then the form's one
 * column with its values (one per line). Field errors name what is missing.
 */
export function attributeFiltersOf(input: { attributeName?: string; attributeValues?: string; attributes?: AttributeFilter[] }): {
  filters: AttributeFilter[];
  fieldErrors: Record<string, string>;
} {
  const filters = [...(input.attributes ?? [])];
  const fieldErrors: Record<string, string> = {};
  const name = input.attributeName?.trim() ?? "";
  const values = [
    ...new Set(
      (input.attributeValues ?? "")
        .split(/\r?\n/)
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
  if (name && values.length === 0)
    fieldErrors.attributeValues = `Write the value of “${name}” the people must have, one per line.`;
  else if (!name && values.length) fieldErrors.attributeName = "Choose the column these values are in.";
  else if (values.length > MAX_ATTRIBUTE_VALUES) fieldErrors.attributeValues = `List at most ${MAX_ATTRIBUTE_VALUES} values.`;
  else if (values.some((v) => v.length > 200 || findUnsafeCharacter(v, "line")))
    fieldErrors.attributeValues = "Each value has at most 200 characters and no control or invisible characters.";
  else if (name) filters.push({ name, values });
  return { filters, fieldErrors };
}

/** The stored audience of a campaign; anything unreadable counts as nobody filtered out. */
export function parseAudience(json: string): Audience {
  try {
    const value = JSON.parse(json) as Partial<Audience>;
    return {
      atRiskOnly: value.atRiskOnly === true,
      places: Array.isArray(value.places) ? value.places.filter((p): p is string => typeof p === "string" && PLACE.test(p)) : [],
      notYetNotified: value.notYetNotified === true,
      failedBefore: value.failedBefore === true,
      attributes: Array.isArray(value.attributes)
        ? value.attributes.filter(
            (f): f is AttributeFilter =>
              typeof f?.name === "string" && Array.isArray(f.values) && f.values.every((v) => typeof v === "string"),
          )
        : [],
    };
  } catch {
    return { ...everyone };
  }
}

/**
 * The audience as people read it, e.g. "People at risk of serious harm in AU-NSW or NZ whose
 * conference is PyCon AU 2014, not yet notified".
 */
export function describeAudience(audience: Audience): string {
  const parts: string[] = [];
  if (audience.places.length) parts.push(`in ${joinOr(audience.places)}`);
  for (const filter of audience.attributes) {
    parts.push(`whose ${filter.name} is ${joinOr(filter.values.map((v) => `“${v}”`))}`);
  }
  if (audience.notYetNotified) parts.push("not yet notified");
  if (audience.failedBefore) parts.push("whose earlier notice failed or bounced");
  const who = audience.atRiskOnly ? "People at risk of serious harm" : parts.length ? "People" : "Everyone affected";
  return parts.length ? `${who} ${parts.join(", ")}` : who;
}

function joinOr(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/**
 * The audience as a Prisma filter on Person, for the notices module's render check. The filters
 * on earlier deliveries cannot be said this way (a delivery is not a relation of Person), nor
 * the column filters (Prisma cannot compare inside JSON text without letter case on both
 * databases), so for them this selects more people than the campaign will: the check errs on
 * the side of checking.
 */
export function audiencePersonWhere(audience: Audience): Prisma.PersonWhereInput {
  const where: Prisma.PersonWhereInput[] = [];
  if (audience.atRiskOnly) where.push({ isAtRisk: true });
  const countries = audience.places.filter((p) => p.length === 2);
  const regions = audience.places.filter((p) => p.length > 2);
  if (audience.places.length)
    where.push({
      OR: [
        ...(countries.length ? [{ country: { in: countries } }] : []),
        ...(regions.length ? [{ region: { in: regions } }] : []),
      ],
    });
  return where.length ? { AND: where } : {};
}

/** Deliveries that count as told: sent by e-mail, or told another way (letter, phone...). */
const TOLD = Prisma.sql`'sent', 'told_otherwise'`;

/**
 * The WHERE condition selecting an audience among the incident's people, on the person table
 * under the alias `p`. The same SQL runs on SQLite and PostgreSQL; the delivery look-ups use
 * the (incident_id, person_id) index.
 */
export function audienceCondition(incidentId: string, audience: Audience): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`p."incident_id" = ${incidentId}`];
  if (audience.atRiskOnly) parts.push(Prisma.sql`p."is_at_risk" = ${true}`);
  const countries = audience.places.filter((p) => p.length === 2);
  const regions = audience.places.filter((p) => p.length > 2);
  const inPlace: Prisma.Sql[] = [];
  if (countries.length) inPlace.push(Prisma.sql`p."country" IN (${Prisma.join(countries)})`);
  if (regions.length) inPlace.push(Prisma.sql`p."region" IN (${Prisma.join(regions)})`);
  if (inPlace.length) parts.push(Prisma.sql`(${Prisma.join(inPlace, " OR ")})`);
  const told = Prisma.sql`EXISTS (SELECT 1 FROM "delivery" d WHERE d."incident_id" = p."incident_id" AND d."person_id" = p."id"
    AND d."status" IN (${TOLD}))`;
  if (audience.notYetNotified || audience.failedBefore) parts.push(Prisma.sql`NOT ${told}`);
  if (audience.failedBefore)
    parts.push(Prisma.sql`EXISTS (SELECT 1 FROM "delivery" d WHERE d."incident_id" = p."incident_id" AND d."person_id" = p."id"
      AND d."status" IN ('failed', 'bounced'))`);
  for (const filter of audience.attributes) parts.push(attributeCondition(filter));
  return Prisma.join(parts, " AND ");
}

/**
 * A person's column holds one of the values: the pair "name":"value" is looked for in the JSON
 * text of their attributes, letter case folded on both sides by the database's LOWER (SQLite's
 * folds A to Z only, so there a non-ASCII capital matches only as imported). Sound because JSON escapes
 * every quote inside a string, so an unescaped "name": can only be a key; both serialisations are
 * matched (JSON.stringify and SQLite write "k":"v", PostgreSQL's jsonb "k": "v"), and the import
 * refuses control characters, the only other characters JSON escapes.
 */
function attributeCondition(filter: AttributeFilter): Prisma.Sql {
  const key = JSON.stringify(filter.name);
  const alternatives = filter.values.flatMap((value) => {
    const text = JSON.stringify(value);
    return [containsPattern(`${key}:${text}`), containsPattern(`${key}: ${text}`)].map(
      (pattern) => Prisma.sql`LOWER(p."attributes") LIKE LOWER(${pattern}) ESCAPE '\\'`,
    );
  });
  return Prisma.sql`(${Prisma.join(alternatives, " OR ")})`;
}
