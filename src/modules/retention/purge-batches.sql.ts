import type { DatabaseKind } from "../../config/config.js";
import type { DbOrTx } from "../../db/client.js";
import { instantParam } from "../../db/values.js";
import { Prisma } from "../../generated/sqlite/client.js";

/**
 * The purge's writes, one batch each, in the caller's transaction. Every batch is idempotent
 * (a row already purged is written the same again), so a batch repeated after a crash changes
 * nothing more. The tables are other modules' (people, campaigns, ledger, bounces, the mail
 * catcher): the purge is the one place that forgets people, see decision 0025.
 */

/** How a hashed address is kept in the columns that held the address (person, bounced_address). */
export const HASHED_PREFIX = "hmac-sha256:";

/** Hashes a normalised address (HMAC-SHA256 with the audit key, hex). */
export type AddressHasher = (normalized: string) => string;

const normalise = (email: string | null) => {
  const t = (email ?? "").trim().toLowerCase();
  return t === "" ? null : t;
};

/** The text with every occurrence of the address replaced, whatever its case. */
export function redactAddress(text: string, address: string | null): string {
  if (!address || text === "") return text;
  let out = text;
  let at = out.toLowerCase().indexOf(address);
  while (at >= 0) {
    out = `${out.slice(0, at)}[address]${out.slice(at + address.length)}`;
    at = out.toLowerCase().indexOf(address, at + 9);
  }
  return out;
}

const caseOf = (column: string, pairs: [string, string | null][]) =>
  Prisma.sql`CASE "id" ${Prisma.join(
    pairs.map(([id, value]) => Prisma.sql`WHEN ${id} THEN ${value}`),
    " ",
  )} ELSE ${Prisma.raw(`"${column}"`)} END`;

export interface DeliveryBatch {
  lastId: string;
  deliveries: number;
  events: number;
  caughtMail: number;
}

/**
 * The next deliveries of the incident after `after` (id order): the address, name and notes go,
 * the keyed hash of the address stays (email_hash), the server's answer loses the address, the
 * bounce reports about them lose it too, and the mail catcher's copies of them are deleted.
 */
export async function purgeDeliveryBatch(
  tx: DbOrTx,
  incidentId: string,
  after: string,
  take: number,
  hash: AddressHasher,
): Promise<DeliveryBatch | null> {
  const rows = await tx.delivery.findMany({
    where: { incidentId, id: { gt: after } },
    orderBy: { id: "asc" },
    take,
    select: { id: true, email: true, emailNormalized: true, smtpResponse: true, messageId: true },
  });
  const last = rows.at(-1);
  if (!last) return null;
  const ids = rows.map((r) => r.id);
  const addresses = new Map(rows.map((r) => [r.id, normalise(r.emailNormalized ?? r.email)]));
  const hashes: [string, string | null][] = [];
  const answers: [string, string | null][] = [];
  for (const r of rows) {
    const address = addresses.get(r.id) ?? null;
    if (address) hashes.push([r.id, hash(address)]);
    const answer = redactAddress(r.smtpResponse, address);
    if (answer !== r.smtpResponse) answers.push([r.id, answer]);
  }
  const sets = [
    Prisma.sql`"email" = NULL, "email_normalized" = NULL, "full_name" = '', "name_search" = '', "family_search" = '', "told_note" = ''`,
  ];
  if (hashes.length) sets.push(Prisma.sql`"email_hash" = ${caseOf("email_hash", hashes)}`);
  if (answers.length) sets.push(Prisma.sql`"smtp_response" = ${caseOf("smtp_response", answers)}`);
  await tx.$executeRaw(Prisma.sql`UPDATE "delivery" SET ${Prisma.join(sets, ", ")} WHERE "id" IN (${Prisma.join(ids)})`);

  const events = await tx.deliveryEvent.findMany({
    where: { deliveryId: { in: ids } },
    select: { id: true, deliveryId: true, email: true, detail: true },
  });
  for (const e of events) {
    const address = addresses.get(e.deliveryId ?? "") ?? normalise(e.email);
    const detail = redactAddress(redactAddress(e.detail, address), normalise(e.email));
    if (e.email === null && detail === e.detail) continue;
    await tx.deliveryEvent.update({ where: { id: e.id }, data: { email: null, detail } });
  }
  const messageIds = rows.map((r) => r.messageId).filter((m) => m !== "");
  const caught = messageIds.length ? await tx.caughtMail.deleteMany({ where: { messageId: { in: messageIds } } }) : { count: 0 };
  return { lastId: last.id, deliveries: rows.length, events: events.length, caughtMail: caught.count };
}

/**
 * The incident's suppressed addresses become their keyed hashes, as the people's do, so a person
 * whose address bounced still counts as one e-mail cannot reach. Returns how many changed.
 */
export async function purgeBouncedAddresses(tx: DbOrTx, incidentId: string, hash: AddressHasher): Promise<number> {
  const rows = await tx.bouncedAddress.findMany({ where: { incidentId }, select: { emailNormalized: true } });
  let changed = 0;
  for (const r of rows) {
    if (r.emailNormalized.startsWith(HASHED_PREFIX)) continue;
    await tx.bouncedAddress.update({
      where: { incidentId_emailNormalized: { incidentId, emailNormalized: r.emailNormalized } },
      data: { emailNormalized: `${HASHED_PREFIX}${hash(r.emailNormalized)}` },
    });
    changed += 1;
  }
  return changed;
}

/** A person's import warnings with their codes kept (the ledger counts a malformed address) and the values gone. */
function warningCodesOnly(warnings: string): string {
  try {
    const parsed = JSON.parse(warnings) as Record<string, unknown>;
    return JSON.stringify(Object.fromEntries(Object.keys(parsed).map((code) => [code, ""])));
  } catch {
    return "{}";
  }
}

/**
 * The next people of the incident after `after` (id order): names, addresses, phone, postal
 * address, external id, attributes and notes go; the row stays with what the coverage counts
 * (country, region, risk, categories, language, whether they had an address: its keyed hash),
 * its unique key no longer derived from them, marked purged.
 */
export async function purgePeopleBatch(
  tx: DbOrTx,
  kind: DatabaseKind,
  incidentId: string,
  after: string,
  take: number,
  hash: AddressHasher,
  now: Date,
): Promise<{ lastId: string; people: number } | null> {
  const rows = await tx.person.findMany({
    where: { incidentId, id: { gt: after } },
    orderBy: { id: "asc" },
    take,
    select: { id: true, emailNormalized: true, warnings: true },
  });
  const last = rows.at(-1);
  if (!last) return null;
  const emails: [string, string | null][] = [];
  const warnings: [string, string | null][] = [];
  for (const r of rows) {
    if (r.emailNormalized && !r.emailNormalized.startsWith(HASHED_PREFIX)) {
      emails.push([r.id, `${HASHED_PREFIX}${hash(r.emailNormalized)}`]);
    }
    const codes = warningCodesOnly(r.warnings);
    if (codes !== r.warnings) warnings.push([r.id, codes]);
  }
  const at = instantParam(kind, now);
  const sets = [
    Prisma.sql`"given_name" = '', "family_name" = '', "email" = NULL, "phone" = NULL, "postal_address" = NULL,
      "city" = NULL, "postcode" = NULL, "external_id" = NULL, "attributes" = '{}', "notes" = '',
      "unique_key" = 'purged:' || "id", "purged_at" = COALESCE("purged_at", ${at}), "updated_at" = ${at}`,
  ];
  if (emails.length) sets.push(Prisma.sql`"email_normalized" = ${caseOf("email_normalized", emails)}`);
  if (warnings.length) sets.push(Prisma.sql`"warnings" = ${caseOf("warnings", warnings)}`);
  const ids = rows.map((r) => r.id);
  await tx.$executeRaw(Prisma.sql`UPDATE "person" SET ${Prisma.join(sets, ", ")} WHERE "id" IN (${Prisma.join(ids)})`);
  return { lastId: last.id, people: rows.length };
}

/** The names and notes of the people told another way go; the channel and instant stay. */
export async function purgeToldAnotherWay(tx: DbOrTx, incidentId: string): Promise<number> {
  const { count } = await tx.toldAnotherWay.updateMany({ where: { incidentId }, data: { fullName: "", note: "" } });
  return count;
}

/** The incident's import records that still name a file (the upload or its error report). */
export function listImportsWithFiles(db: DbOrTx, incidentId: string) {
  return db.personImport.findMany({
    where: { incidentId, OR: [{ filePath: { not: "" } }, { errorReportPath: { not: null } }] },
    select: { id: true, filePath: true, errorReportPath: true },
  });
}
