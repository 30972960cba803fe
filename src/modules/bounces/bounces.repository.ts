import type { DbOrTx } from "../../db/client.js";

/** The queries of bounce and complaint reports and of the addresses suppressed per incident. */

const deliverySelect = { id: true, incidentId: true, campaignId: true, status: true, emailNormalized: true } as const;

/** A delivery by its id. */
export function findDeliveryById(db: DbOrTx, id: string) {
  return db.delivery.findUnique({ where: { id }, select: deliverySelect });
}

/**
 * A delivery by the Message-ID its notice carried, compared exactly with the stored one
 * (`<delivery.ID@domain>`); a value received without its angle brackets gets them first.
 */
export function findDeliveryByMessageId(db: DbOrTx, messageId: string) {
  const bare = messageId.trim().replace(/^<(.*)>$/, "$1");
  if (!bare) return Promise.resolve(null);
  return db.delivery.findFirst({ where: { messageId: `<${bare}>` }, select: deliverySelect });
}

export type MatchedDelivery = NonNullable<Awaited<ReturnType<typeof findDeliveryById>>>;

/**
 * Marks a sent (or in-flight) delivery bounced, keeping the report's words; a no-op for any
 * other status (a failed one already says why; told_otherwise is final). True when changed.
 */
export async function markDeliveryBounced(db: DbOrTx, id: string, detail: string, at: Date): Promise<boolean> {
  const { count } = await db.delivery.updateMany({
    where: { id, status: { in: ["sent", "sending"] } },
    data: { status: "bounced", exclusionReason: `hard bounce: ${detail}`.slice(0, 1000), failedAt: at, updatedAt: at },
  });
  return count === 1;
}

/**
 * Suppresses an address in one incident (kept with the first reason): that incident's later
 * campaigns exclude it; other incidents' do not.
 */
export async function rememberBouncedAddress(
  db: DbOrTx,
  row: { incidentId: string; emailNormalized: string; reason: string; deliveryId: string | null; createdAt: Date },
): Promise<void> {
  await db.bouncedAddress.upsert({
    where: { incidentId_emailNormalized: { incidentId: row.incidentId, emailNormalized: row.emailNormalized } },
    create: row,
    update: {},
  });
}

/** The suppression of an address in an incident, or null. */
export function findSuppression(db: DbOrTx, incidentId: string, emailNormalized: string) {
  return db.bouncedAddress.findUnique({ where: { incidentId_emailNormalized: { incidentId, emailNormalized } } });
}

/** The suppressions among these addresses in an incident (for one page of a list). */
export function listSuppressions(db: DbOrTx, incidentId: string, emailsNormalized: string[]) {
  if (emailsNormalized.length === 0) return Promise.resolve([]);
  return db.bouncedAddress.findMany({ where: { incidentId, emailNormalized: { in: emailsNormalized } } });
}

/** Removes a suppression; true when there was one. */
export async function deleteSuppression(db: DbOrTx, incidentId: string, emailNormalized: string): Promise<boolean> {
  const { count } = await db.bouncedAddress.deleteMany({ where: { incidentId, emailNormalized } });
  return count === 1;
}

/** The latest reports received, newest first. */
export function listRecentDeliveryEvents(db: DbOrTx, take = 50, hiddenIncidentIds: string[] = []) {
  // Need-to-know (decision 0030): the events of incidents the reader may not read are left out.
  const where = hiddenIncidentIds.length ? { OR: [{ incidentId: null }, { incidentId: { notIn: hiddenIncidentIds } }] } : {};
  return db.deliveryEvent.findMany({ where, orderBy: [{ receivedAt: "desc" }, { id: "desc" }], take });
}

/** Reports that named no delivery of ours and nobody has reviewed yet, newest first, with their count. */
export async function listUnreviewedReports(db: DbOrTx, take = 100) {
  const where = { deliveryId: null, reviewedAt: null };
  const [rows, total] = await Promise.all([
    db.deliveryEvent.findMany({ where, orderBy: [{ receivedAt: "desc" }, { id: "desc" }], take }),
    db.deliveryEvent.count({ where }),
  ]);
  return { rows, total };
}

/** A report by its id. */
export function findDeliveryEvent(db: DbOrTx, id: string) {
  return db.deliveryEvent.findUnique({ where: { id } });
}

/** Marks an unmatched report reviewed, once; true when it changed. */
export async function markReportReviewed(
  db: DbOrTx,
  id: string,
  review: { reviewedAt: Date; reviewedBy: string; reviewNote: string },
): Promise<boolean> {
  const { count } = await db.deliveryEvent.updateMany({ where: { id, deliveryId: null, reviewedAt: null }, data: review });
  return count === 1;
}
