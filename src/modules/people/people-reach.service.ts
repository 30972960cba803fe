import type { DbOrTx } from "../../db/client.js";
import { countPeopleWithoutEmail, findUniqueKeyOf, listPeopleWithoutEmailPage } from "./people-reach.repository.js";
import { type EmailProblem, emailProblemOf } from "./person-warnings.policy.js";
import { postalAddressLines } from "./postal-address.policy.js";

/**
 * The people no e-mail can reach because they have no usable address, with the reason (decision
 * 0014): the people to tell another way before any campaign has run, for the ledger's list and
 * its letters. A person with an address that bounced or failed is the ledger's to add: their
 * address is usable, the delivery says what happened to it.
 */

/** A person without a usable e-mail address, with what is known to reach them another way. */
export interface PersonWithoutEmail {
  id: string;
  externalId: string | null;
  givenName: string;
  familyName: string;
  phone: string | null;
  language: string | null;
  /** The postal address as it goes on a letter (postal-address.policy.ts); empty when none. */
  addressLines: string[];
  postalAddress: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  country: string | null;
  /** Why e-mail cannot reach them: no address given, or the one given is not valid (with it). */
  problem: EmailProblem;
}

/**
 * One page of the incident's people without a usable e-mail address, in unique-key order,
 * after the person `afterId` (a previous page's last); nextAfter is the id to ask for next, or
 * null on the last page. An unknown afterId starts from the first page.
 */
export async function listPeopleWithoutUsableEmail(
  db: DbOrTx,
  incidentId: string,
  page: { afterId?: string; limit: number },
): Promise<{ people: PersonWithoutEmail[]; nextAfter: string | null }> {
  const afterKey = page.afterId ? ((await findUniqueKeyOf(db, incidentId, page.afterId)) ?? undefined) : undefined;
  const rows = await listPeopleWithoutEmailPage(db, incidentId, { afterKey, take: page.limit + 1 });
  const people = rows.slice(0, page.limit).map(
    ({ uniqueKey, warnings, emailNormalized, ...person }): PersonWithoutEmail => ({
      ...person,
      addressLines: postalAddressLines(person),
      problem: emailProblemOf({ emailNormalized, warnings })!,
    }),
  );
  return { people, nextAfter: rows.length > page.limit ? people[people.length - 1]!.id : null };
}

/** How many of the incident's people have no usable e-mail address. */
export function countPeopleWithoutUsableEmail(db: DbOrTx, incidentId: string): Promise<number> {
  return countPeopleWithoutEmail(db, incidentId);
}
