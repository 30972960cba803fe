import type { Database } from "../../src/db/client.js";

/** The organisation every campaign test sends as, unless a test sets its own. */
export const TEST_SENDER = { name: "Example Org", senderName: "Example Org Privacy", senderAddress: "privacy@example.org" };

/**
 * Gives the organisation a profile with a sender (straight into its table), unless it has one:
 * a campaign does not start without a sender, and MAIL_FROM is only for system mail.
 */
export async function ensureOrganisationSender(db: Database, values: Partial<Record<string, string>> = {}) {
  const now = new Date("2026-03-01T00:00:00Z");
  const data = { ...TEST_SENDER, ...values, updatedAt: now };
  await db.prisma.organisationProfile.upsert({ where: { id: "default" }, create: { id: "default", ...data }, update: {} });
}
