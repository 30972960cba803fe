import type { DbOrTx } from "../../db/client.js";

/**
 * The incident's people whose notice cannot go by e-mail because they have no usable address
 * (none given, or one that is not valid: see person-warnings.policy.ts): one keyset page on
 * unique_key, read through the (incident_id, email_normalized) index. Reads only.
 */
export function listPeopleWithoutEmailPage(db: DbOrTx, incidentId: string, page: { afterKey?: string; take: number }) {
  return db.person.findMany({
    where: { incidentId, emailNormalized: null, ...(page.afterKey === undefined ? {} : { uniqueKey: { gt: page.afterKey } }) },
    orderBy: { uniqueKey: "asc" },
    take: page.take,
    select: {
      id: true,
      uniqueKey: true,
      externalId: true,
      givenName: true,
      familyName: true,
      phone: true,
      postalAddress: true,
      city: true,
      region: true,
      postcode: true,
      country: true,
      language: true,
      warnings: true,
      emailNormalized: true,
    },
  });
}

/** How many of the incident's people have no usable e-mail address (the index alone). */
export function countPeopleWithoutEmail(db: DbOrTx, incidentId: string) {
  return db.person.count({ where: { incidentId, emailNormalized: null } });
}

/** The unique key of one person of the incident (a page cursor), or null. */
export async function findUniqueKeyOf(db: DbOrTx, incidentId: string, personId: string) {
  const person = await db.person.findFirst({ where: { id: personId, incidentId }, select: { uniqueKey: true } });
  return person?.uniqueKey ?? null;
}
