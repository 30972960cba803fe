import type { DbOrTx } from "../../db/client.js";

/** The queries of bounce and complaint reports. */

const deliverySelect = { id: true, incidentId: true, campaignId: true, status: true, emailNormalized: true } as const;

/** A delivery by its id. */
export function findDeliveryById(db: DbOrTx, id: string) {
  return db.delivery.findUnique({ where: { id }, select: deliverySelect });
}

/** A delivery by the Message-ID its notice carried, with or without the angle brackets. */
export function findDeliveryByMessageId(db: DbOrTx, messageId: string) {
  const bare = messageId.trim().replace(/^<(.*)>$/, "$1");
  return db.delivery.findFirst({ where: { messageId: { in: [`<${bare}>`, bare] } }, select: deliverySelect });
}

/** The latest notice sent to an address (the one a report without a Message-ID most likely concerns). */
export function findLatestDeliveryToAddress(db: DbOrTx, emailNormalized: string) {
  return db.delivery.findFirst({
    where: { emailNormalized, status: { in: ["sent", "bounced", "sending"] } },
    orderBy: [{ sentAt: { sort: "desc", nulls: "last" } }, { queuedAt: "desc" }],
    select: deliverySelect,
  });
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

/** Records an address as hard-bounced (kept with the first reason): later campaigns exclude it. */
export async function rememberBouncedAddress(
  db: DbOrTx,
  row: { emailNormalized: string; reason: string; deliveryId: string | null; createdAt: Date },
): Promise<void> {
  await db.bouncedAddress.upsert({ where: { emailNormalized: row.emailNormalized }, create: row, update: {} });
}

/** The latest reports received, newest first, with the delivery they matched. */
export function listRecentDeliveryEvents(db: DbOrTx, take = 50) {
  return db.deliveryEvent.findMany({ orderBy: { receivedAt: "desc" }, take });
}
