import { z } from "zod";
import { Prisma } from "../../generated/sqlite/client.js";

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
}

export const everyone: Audience = { atRiskOnly: false, places: [], notYetNotified: false, failedBefore: false };

const PLACE = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
const checked = z
  .string()
  .optional()
  .transform((v) => v === "on" || v === "yes" || v === "true");

/** The audience fields of the campaign form: checkboxes, and places separated by commas or spaces. */
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
});

/** The stored audience of a campaign; anything unreadable counts as nobody filtered out. */
export function parseAudience(json: string): Audience {
  try {
    const value = JSON.parse(json) as Partial<Audience>;
    return {
      atRiskOnly: value.atRiskOnly === true,
      places: Array.isArray(value.places) ? value.places.filter((p): p is string => typeof p === "string" && PLACE.test(p)) : [],
      notYetNotified: value.notYetNotified === true,
      failedBefore: value.failedBefore === true,
    };
  } catch {
    return { ...everyone };
  }
}

/** The audience as people read it, e.g. "People at risk of serious harm in AU-NSW or NZ, not yet notified". */
export function describeAudience(audience: Audience): string {
  const parts: string[] = [];
  if (audience.places.length) parts.push(`in ${joinOr(audience.places)}`);
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
 * on earlier deliveries cannot be said this way (a delivery is not a relation of Person), so for
 * them this selects more people than the campaign will: the check errs on the side of checking.
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
  return Prisma.join(parts, " AND ");
}
