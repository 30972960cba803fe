import type { DbOrTx } from "../../db/client.js";
import { type Campaign, Prisma } from "../../generated/sqlite/client.js";

export type { Campaign };

/** Delivery statuses, in the order the pages show them. */
export const deliveryStatuses = [
  "queued",
  "sending",
  "sent",
  "failed",
  "bounced",
  "excluded",
  "cancelled",
  "told_otherwise",
] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
export type DeliveryCounts = Record<DeliveryStatus, number> & { total: number };

/** A campaign of the incident, or null (a campaign of another incident is not found). */
export function findCampaign(db: DbOrTx, incidentId: string, id: string) {
  return db.campaign.findFirst({ where: { id, incidentId } });
}

export function findCampaignById(db: DbOrTx, id: string) {
  return db.campaign.findUnique({ where: { id } });
}

/** The incident's campaigns, latest first. */
export function listCampaignsOfIncident(db: DbOrTx, incidentId: string) {
  return db.campaign.findMany({ where: { incidentId }, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
}

export function insertCampaign(db: DbOrTx, data: Campaign) {
  return db.campaign.create({ data });
}

/**
 * Changes a campaign only while it still has the status the caller read: false (changing
 * nothing) when another request or worker moved it meanwhile.
 */
export async function updateCampaignIfStatus(
  db: DbOrTx,
  id: string,
  status: string,
  data: Prisma.CampaignUncheckedUpdateManyInput,
): Promise<boolean> {
  const { count } = await db.campaign.updateMany({ where: { id, status }, data });
  return count === 1;
}

/** Campaigns whose scheduled start has come, earliest first (index: status, scheduled_at). */
export function listDueScheduledCampaigns(db: DbOrTx, now: Date, take: number) {
  return db.campaign.findMany({
    where: { status: "scheduled", scheduledAt: { lte: now } },
    orderBy: { scheduledAt: "asc" },
    take,
  });
}

export async function isCampaignInStatus(db: DbOrTx, id: string, status: string): Promise<boolean> {
  return (await db.campaign.count({ where: { id, status } })) === 1;
}

export function listCampaignsWithStatus(db: DbOrTx, status: string) {
  return db.campaign.findMany({ where: { status }, select: { id: true, incidentId: true } });
}

/**
 * A campaign's deliveries in each status, and how many were taken back from a worker that
 * stopped while holding them (reclaims above 0: their people may have received the notice
 * twice), in one read of the tally the database keeps (decision 0039): one row a channel and
 * status, never the deliveries themselves.
 */
export async function readCampaignTally(db: DbOrTx, campaignId: string) {
  const groups = await db.deliveryTally.groupBy({
    by: ["status"],
    where: { campaignId },
    _sum: { deliveries: true, repeats: true },
  });
  const counts = { total: 0, ...Object.fromEntries(deliveryStatuses.map((s) => [s, 0])) } as DeliveryCounts;
  let possibleRepeats = 0;
  for (const group of groups) {
    const n = group._sum.deliveries ?? 0;
    counts[group.status as DeliveryStatus] = n;
    counts.total += n;
    possibleRepeats += group._sum.repeats ?? 0;
  }
  return { counts, possibleRepeats };
}

/** How many deliveries a campaign has in each status (the tally). */
export async function countDeliveriesByStatus(db: DbOrTx, campaignId: string): Promise<DeliveryCounts> {
  return (await readCampaignTally(db, campaignId)).counts;
}

/** How many of a campaign's notices may have reached their person twice (the tally). */
export async function countPossibleRepeats(db: DbOrTx, campaignId: string): Promise<number> {
  return (await readCampaignTally(db, campaignId)).possibleRepeats;
}

/** Where a campaign's fan-out in batches is (decision 0040): the next batch starts after `after`; null: all written. */
export async function setCampaignFanOut(db: DbOrTx, campaignId: string, fanOut: { after: string | null; total: number | null }) {
  await db.campaign.update({ where: { id: campaignId }, data: { fanOutAfter: fanOut.after, fanOutTotal: fanOut.total } });
}

/** True while a campaign has deliveries waiting or in flight, or still to be written by its fan-out. */
export async function hasUnfinishedDeliveries(db: DbOrTx, campaignId: string): Promise<boolean> {
  if ((await db.campaign.count({ where: { id: campaignId, fanOutAfter: { not: null } } })) > 0) return true;
  const first = await db.delivery.findFirst({
    where: { campaignId, status: { in: ["queued", "sending"] } },
    select: { id: true },
  });
  return first !== null;
}

/** The first and last instant a campaign's notices were sent. */
export async function sentSpan(db: DbOrTx, campaignId: string) {
  const span = await db.delivery.aggregate({
    where: { campaignId, status: "sent" },
    _min: { sentAt: true },
    _max: { sentAt: true },
  });
  return { firstSentAt: span._min.sentAt, lastSentAt: span._max.sentAt };
}

/** A campaign's failed deliveries that "retry the failed ones" would queue again (their address is not suppressed in the incident). */
export async function countRetryableDeliveries(db: DbOrTx, campaignId: string): Promise<number> {
  const rows = await db.$queryRaw<{ n: number | bigint }[]>(Prisma.sql`
    SELECT COUNT(*) AS "n" FROM "delivery" d
    WHERE d."campaign_id" = ${campaignId} AND d."status" = 'failed'
      AND NOT EXISTS (SELECT 1 FROM "bounced_address" b
                      WHERE b."incident_id" = d."incident_id" AND b."email_normalized" = d."email_normalized")`);
  return Number(rows[0]?.n ?? 0);
}

/** Cancels a campaign's deliveries that nobody is sending: queued ones, and ones whose sender's lease ran out. */
export async function cancelIdleDeliveries(db: DbOrTx, campaignId: string, now: Date): Promise<number> {
  const queued = await db.delivery.updateMany({
    where: { campaignId, status: "queued" },
    data: { status: "cancelled", nextAttemptAt: null, updatedAt: now },
  });
  const stranded = await db.delivery.updateMany({
    where: { campaignId, status: "sending", leaseUntil: { lt: now } },
    data: { status: "cancelled", claimedBy: null, leaseUntil: null, nextAttemptAt: null, updatedAt: now },
  });
  return queued.count + stranded.count;
}

/** How many people an audience condition (campaign-audience.policy.ts, alias p) selects. */
export async function countAudience(db: DbOrTx, condition: Prisma.Sql) {
  const rows = await db.$queryRaw<{ total: number | bigint; reachable: number | bigint | null }[]>(Prisma.sql`
    SELECT COUNT(*) AS "total",
           SUM(CASE WHEN p."email_normalized" IS NOT NULL
                     AND NOT EXISTS (SELECT 1 FROM "bounced_address" b
                                     WHERE b."incident_id" = p."incident_id" AND b."email_normalized" = p."email_normalized")
                    THEN 1 ELSE 0 END) AS "reachable"
    FROM "person" p WHERE ${condition}`);
  return { total: Number(rows[0]?.total ?? 0), reachable: Number(rows[0]?.reachable ?? 0) };
}

/** The languages (as stored, null for none) of the people an audience selects. */
export async function listAudienceLanguages(db: DbOrTx, condition: Prisma.Sql): Promise<(string | null)[]> {
  const rows = await db.$queryRaw<{ language: string | null }[]>(
    Prisma.sql`SELECT DISTINCT p."language" AS "language" FROM "person" p WHERE ${condition}`,
  );
  return rows.map((r) => r.language);
}

/** The incident's notice templates with how many versions each has, for the campaign form. */
export async function listTemplateChoices(db: DbOrTx, incidentId: string) {
  const templates = await db.noticeTemplate.findMany({ where: { incidentId }, orderBy: { name: "asc" } });
  const counts = await db.noticeTemplateVersion.groupBy({
    by: ["templateId"],
    where: { incidentId },
    _count: { _all: true },
  });
  const byTemplate = new Map(counts.map((c) => [c.templateId, c._count._all]));
  return templates.map((t) => ({ id: t.id, name: t.name, versionCount: byTemplate.get(t.id) ?? 0 }));
}

export function findTemplateOfIncident(db: DbOrTx, incidentId: string, id: string) {
  return db.noticeTemplate.findFirst({ where: { id, incidentId } });
}

/** Template versions by id, for naming a campaign's pinned versions. */
export function listVersionLabels(db: DbOrTx, ids: string[]) {
  return db.noticeTemplateVersion.findMany({
    where: { id: { in: ids } },
    select: { id: true, language: true, version: true, subject: true },
  });
}

/** Active users who may be told about a campaign: given ids, or every manager and admin when none is given. */
export function listActiveManagers(db: DbOrTx, ids?: string[]) {
  return db.user.findMany({
    where: { status: "active", role: { in: ["manager", "admin"] }, ...(ids ? { id: { in: ids } } : {}) },
    select: { id: true, email: true, name: true, timeZone: true, role: true },
    orderBy: { email: "asc" },
  });
}

/** What the sender needs of each of these campaigns: status, incident, pinned versions and organisation. */
export function listCampaignsForSending(db: DbOrTx, ids: string[]) {
  return db.campaign.findMany({
    where: { id: { in: ids } },
    select: { id: true, status: true, incidentId: true, versionIds: true, organisation: true },
  });
}

/** The pending obligations of the incident with their copied terms and deadline, for the finish estimate. */
export function listPendingObligations(db: DbOrTx, incidentId: string) {
  return db.obligation.findMany({
    where: { incidentId, status: "pending" },
    select: { id: true, ruleId: true, terms: true, dueAt: true, zone: true },
  });
}

/** Names of users by id (creator, approver), for the campaign page. */
export async function userNamesOf(db: DbOrTx, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  if (!wanted.length) return new Map();
  const users = await db.user.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true, email: true } });
  return new Map(users.map((u) => [u.id, u.name || u.email]));
}

/** People of the incident, and how many have an address: for the new-campaign form. */
export async function countPeopleOfIncident(db: DbOrTx, incidentId: string) {
  const [total, withEmail] = await Promise.all([
    db.person.count({ where: { incidentId } }),
    db.person.count({ where: { incidentId, emailNormalized: { not: null } } }),
  ]);
  return { total, withEmail };
}
