import type { DbOrTx } from "../../db/client.js";
import type { Prisma } from "../../generated/sqlite/client.js";
import { noticePersonSelect } from "../notices/notice-renderer.js";

/**
 * The queries of the delivery ledger: the record, person by person, of every notice of an
 * incident. Read-only except recordToldOtherwise; deliveries are never deleted.
 */

/** The statuses of a delivery whose person still needs another channel (until told otherwise). */
export const NEEDS_OTHER_CHANNEL = ["failed", "bounced", "excluded"];

export interface LedgerFilter {
  incidentId: string;
  campaignId?: string;
  /** A delivery status, or "needs_other_channel" for failed, bounced and excluded ones. */
  status?: string;
  channel?: string;
  /** An address (prefix) or part of a name. */
  q?: string;
}

/** Where a page of the ledger resumes: after this (queuedAt, id). */
export interface LedgerCursor {
  queuedAt: Date;
  id: string;
}

function whereOf(filter: LedgerFilter): Prisma.DeliveryWhereInput {
  const and: Prisma.DeliveryWhereInput[] = [{ incidentId: filter.incidentId }];
  if (filter.campaignId) and.push({ campaignId: filter.campaignId });
  if (filter.status === "needs_other_channel") and.push({ status: { in: NEEDS_OTHER_CHANNEL } });
  else if (filter.status) and.push({ status: filter.status });
  if (filter.channel) and.push({ channel: filter.channel });
  if (filter.q) {
    const q = filter.q.trim();
    and.push({ OR: [{ emailNormalized: { startsWith: q.toLowerCase() } }, { fullName: { contains: q } }, { messageId: q }] });
  }
  return { AND: and };
}

export const ledgerRowSelect = {
  id: true,
  campaignId: true,
  personId: true,
  email: true,
  fullName: true,
  country: true,
  region: true,
  language: true,
  templateVersionId: true,
  channel: true,
  status: true,
  attempts: true,
  messageId: true,
  smtpCode: true,
  smtpResponse: true,
  exclusionReason: true,
  queuedAt: true,
  sentAt: true,
  failedAt: true,
  toldAt: true,
  toldNote: true,
} satisfies Prisma.DeliverySelect;

export type LedgerRow = Prisma.DeliveryGetPayload<{ select: typeof ledgerRowSelect }>;

/** One page of the ledger in the order notices were queued, after the cursor. */
export function listLedgerPage(db: DbOrTx, filter: LedgerFilter, cursor: LedgerCursor | null, take: number) {
  const after: Prisma.DeliveryWhereInput = cursor
    ? { OR: [{ queuedAt: { gt: cursor.queuedAt } }, { queuedAt: cursor.queuedAt, id: { gt: cursor.id } }] }
    : {};
  return db.delivery.findMany({
    where: { AND: [whereOf(filter), after] },
    select: ledgerRowSelect,
    orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
    take,
  });
}

/** Deliveries of the incident by status (one grouped read). */
export async function countByStatus(db: DbOrTx, filter: LedgerFilter): Promise<Record<string, number>> {
  const groups = await db.delivery.groupBy({ by: ["status"], where: whereOf(filter), _count: { _all: true } });
  return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
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
    select: { id: true, name: true, status: true, startedAt: true, finishedAt: true, versionIds: true, approvedAt: true },
    orderBy: { createdAt: "asc" },
  });
}

/**
 * Records that people whose notice could not be e-mailed were told another way: only
 * deliveries of the incident still needing another channel change; returns how many did.
 */
export async function recordToldOtherwise(
  db: DbOrTx,
  incidentId: string,
  ids: string[],
  told: { channel: string; toldAt: Date; note: string; at: Date },
): Promise<number> {
  const { count } = await db.delivery.updateMany({
    where: { incidentId, id: { in: ids }, status: { in: NEEDS_OTHER_CHANNEL } },
    data: { status: "told_otherwise", channel: told.channel, toldAt: told.toldAt, toldNote: told.note, updatedAt: told.at },
  });
  return count;
}

/** The people behind deliveries, as the renderer reads them and with their postal addresses (a deleted person is absent). */
export function findPeopleByIds(db: DbOrTx, ids: string[]) {
  return db.person.findMany({ where: { id: { in: ids } }, select: { ...noticePersonSelect, postalAddress: true } });
}
