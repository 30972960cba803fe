import type { Database, DbOrTx } from "../../db/client.js";
import { sqliteInstant } from "../../db/values.js";
import { Prisma } from "../../generated/sqlite/client.js";
import { foldName, prefixRange } from "../../lib/name-fold.js";
import { noticePersonSelect } from "../notices/index.js";
import { readCode } from "../verification/index.js";

/**
 * The queries of the delivery ledger: the record, person by person, of every notice of an
 * incident. Read-only; deliveries are never deleted.
 */

/** The statuses of a delivery whose person still needs another channel (until told otherwise). */
export const NEEDS_OTHER_CHANNEL = ["failed", "bounced", "excluded"];

export interface LedgerFilter {
  incidentId: string;
  campaignId?: string;
  /** A delivery status, or "needs_other_channel" for failed, bounced and excluded ones. */
  status?: string;
  channel?: string;
  /** The start of an address or of a name (case and accents aside), a Message-ID or a notice's verification code. */
  q?: string;
}

/** Where a page of the ledger resumes: after this (queuedAt, id). */
export interface LedgerCursor {
  queuedAt: Date;
  id: string;
}

/** The filter without its text search, for Prisma's grouped reads (the summary never searches). */
function whereOf(filter: LedgerFilter): Prisma.DeliveryWhereInput {
  const and: Prisma.DeliveryWhereInput[] = [{ incidentId: filter.incidentId }];
  if (filter.campaignId) and.push({ campaignId: filter.campaignId });
  if (filter.status === "needs_other_channel") and.push({ status: { in: NEEDS_OTHER_CHANNEL } });
  else if (filter.status) and.push({ status: filter.status });
  if (filter.channel) and.push({ channel: filter.channel });
  return { AND: and };
}

/**
 * The whole filter as SQL, the search included. A search reads indexes, never every row: a prefix
 * of the normalised address (incident_id, email_normalized), of the folded name (incident_id,
 * name_search; lib/name-fold.ts) or of the folded family name (incident_id, family_search), each as
 * one index range, or exactly a Message-ID (message_id)
 * or a verification code (its unique index).
 */
function whereSqlOf(filter: LedgerFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`"incident_id" = ${filter.incidentId}`];
  if (filter.campaignId) parts.push(Prisma.sql`"campaign_id" = ${filter.campaignId}`);
  if (filter.status === "needs_other_channel") parts.push(Prisma.sql`"status" IN (${Prisma.join(NEEDS_OTHER_CHANNEL)})`);
  else if (filter.status) parts.push(Prisma.sql`"status" = ${filter.status}`);
  if (filter.channel) parts.push(Prisma.sql`"channel" = ${filter.channel}`);
  if (filter.q?.trim()) parts.push(searchSqlOf(filter.incidentId, filter.q.trim()));
  return Prisma.join(parts, " AND ");
}

/** `column` starts with `prefix`: a range of its index (code point order), written for both databases. */
function startsWithSql(column: string, prefix: string): Prisma.Sql {
  const { low, high } = prefixRange(prefix);
  const below = high === null ? Prisma.empty : Prisma.sql` AND ${Prisma.raw(`"${column}"`)} < ${high}`;
  return Prisma.sql`${Prisma.raw(`"${column}"`)} >= ${low}${below}`;
}

/**
 * The search's condition: each alternative repeats the incident, so each is one range of its own
 * index and the databases combine them (PostgreSQL's BitmapOr, SQLite's OR by union).
 */
export function searchSqlOf(incidentId: string, q: string): Prisma.Sql {
  const incident = Prisma.sql`"incident_id" = ${incidentId}`;
  const alternatives = [
    Prisma.sql`(${incident} AND ${startsWithSql("email_normalized", q.toLowerCase())})`,
    Prisma.sql`(${incident} AND ${startsWithSql("name_search", foldName(q))})`,
    Prisma.sql`(${incident} AND ${startsWithSql("family_search", foldName(q))})`,
    Prisma.sql`"message_id" = ${q}`,
  ];
  // A verification code as a person reads it out (any case, dashes, O for 0): its stored form.
  const read = readCode(q);
  if (read.isValid) alternatives.push(Prisma.sql`"verification_code" = ${read.code}`);
  return Prisma.sql`(${Prisma.join(alternatives, " OR ")})`;
}

export const ledgerRowSelect = {
  id: true,
  campaignId: true,
  personId: true,
  email: true,
  emailNormalized: true,
  fullName: true,
  country: true,
  region: true,
  language: true,
  templateVersionId: true,
  channel: true,
  status: true,
  attempts: true,
  reclaims: true,
  messageId: true,
  smtpCode: true,
  smtpResponse: true,
  exclusionReason: true,
  queuedAt: true,
  nextAttemptAt: true,
  sentAt: true,
  failedAt: true,
  toldAt: true,
  toldNote: true,
  verificationCode: true,
} satisfies Prisma.DeliverySelect;

export type LedgerRow = Prisma.DeliveryGetPayload<{ select: typeof ledgerRowSelect }>;

/** The read of a page's ids (exported for the test that keeps its plan on the indexes). */
export function ledgerPageIdsSql(kind: Database["kind"], filter: LedgerFilter, cursor: LedgerCursor | null, take: number) {
  // A raw comparison with a stored instant needs the stored shape (SQLite keeps text).
  const at = cursor ? (kind === "sqlite" ? sqliteInstant(cursor.queuedAt) : cursor.queuedAt) : null;
  // A row-value comparison, which both databases read as one range of the (incident_id, queued_at, id) index.
  const after = cursor ? Prisma.sql` AND ("queued_at", "id") > (${at}, ${cursor.id})` : Prisma.empty;
  return Prisma.sql`SELECT "id" FROM "delivery" WHERE ${whereSqlOf(filter)}${after} ORDER BY "queued_at", "id" LIMIT ${take}`;
}

/**
 * One page of the ledger in the order notices were queued, after the cursor: the ids by one
 * raw read (the filter as SQL), then the rows through Prisma, typed, for at most `take` ids.
 */
export async function listLedgerPage(
  database: Database,
  filter: LedgerFilter,
  cursor: LedgerCursor | null,
  take: number,
): Promise<LedgerRow[]> {
  const db = database.prisma;
  const ids = await db.$queryRaw<{ id: string }[]>(ledgerPageIdsSql(database.kind, filter, cursor, take));
  if (ids.length === 0) return [];
  const rows = await db.delivery.findMany({ where: { id: { in: ids.map((r) => r.id) } }, select: ledgerRowSelect });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((r) => byId.get(r.id)).filter((r): r is LedgerRow => r !== undefined);
}

/**
 * Deliveries matching the filter by status. Without a search, from the tally the database keeps
 * by campaign, channel and status (decision 0039): a few rows, however many deliveries. A search
 * counts the rows it finds, which its indexes bound.
 */
export async function countByStatus(db: DbOrTx, filter: LedgerFilter): Promise<Record<string, number>> {
  if (!filter.q?.trim()) return countTallied(db, filter);
  const groups = await db.$queryRaw<{ status: string; count: bigint | number }[]>(
    Prisma.sql`SELECT "status", COUNT(*) AS "count" FROM "delivery" WHERE ${whereSqlOf(filter)} GROUP BY "status"`,
  );
  return Object.fromEntries(groups.map((g) => [g.status, Number(g.count)]));
}

async function countTallied(db: DbOrTx, filter: LedgerFilter): Promise<Record<string, number>> {
  const status =
    filter.status === "needs_other_channel" ? { in: NEEDS_OTHER_CHANNEL } : filter.status ? filter.status : undefined;
  const groups = await db.deliveryTally.groupBy({
    by: ["status"],
    where: {
      incidentId: filter.incidentId,
      campaignId: filter.campaignId || undefined,
      channel: filter.channel || undefined,
      status,
    },
    _sum: { deliveries: true },
  });
  const counts: [string, number][] = groups.map((g) => [g.status, g._sum.deliveries ?? 0]);
  return Object.fromEntries(counts.filter(([, n]) => n > 0));
}

/** Deliveries by country, region and status, for the summary's table by jurisdiction. */
export async function countByPlace(db: DbOrTx, filter: LedgerFilter) {
  const groups = await db.delivery.groupBy({
    by: ["country", "region", "status"],
    where: whereOf(filter),
    _count: { _all: true },
  });
  return groups.map((g) => ({ country: g.country ?? "", region: g.region ?? "", status: g.status, count: g._count._all }));
}

/** The first and last instants a notice was sent. */
export async function sentSpan(db: DbOrTx, filter: LedgerFilter) {
  const span = await db.delivery.aggregate({ where: whereOf(filter), _min: { sentAt: true }, _max: { sentAt: true } });
  return { firstSentAt: span._min.sentAt, lastSentAt: span._max.sentAt };
}

/** The incident's campaigns, oldest first, for the filters and the summary. */
export function listCampaignsOfIncident(db: DbOrTx, incidentId: string) {
  return db.campaign.findMany({
    where: { incidentId },
    select: {
      id: true,
      name: true,
      status: true,
      templateId: true,
      startedAt: true,
      finishedAt: true,
      versionIds: true,
      approvedAt: true,
    },
    orderBy: { createdAt: "asc" },
  });
}

/** The people behind deliveries, as the renderer reads them and with their postal addresses (a deleted person is absent). */
export function findPeopleByIds(db: DbOrTx, ids: string[]) {
  return db.person.findMany({ where: { id: { in: ids } }, select: { ...noticePersonSelect, postalAddress: true } });
}

/** The incident's newest notice template, whose latest versions a letter uses when no campaign pinned one. */
export async function findNewestTemplateId(db: DbOrTx, incidentId: string): Promise<string | null> {
  const template = await db.noticeTemplate.findFirst({
    where: { incidentId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  return template?.id ?? null;
}
