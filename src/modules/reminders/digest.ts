import { DateTime } from "luxon";
import type { Database } from "../../db/client.js";
import { enqueueJob } from "../../jobs/job.repository.js";
import { sha256 } from "../../lib/ids.js";
import { termsOf } from "../obligations/obligation-deadline.js";
import type { ReminderJobDeps } from "./reminder.service.js";
import { renderDigestEmail } from "./reminder-mail.js";
import { findDeadlinesOfUser, findDigestUsers, findRecipient } from "./reminders.repository.js";

export const DIGEST_SEND = "reminders.digest";
/**
 * A digest is still sent this many hours after its hour (after downtime), not later: a digest
 * arriving in the evening, or just after someone chose an earlier hour, would be noise.
 */
const DIGEST_LATE_HOURS = 6;

export interface DigestPayload {
  userId: string;
  /** The recipient's local date, YYYY-MM-DD. */
  localDate: string;
}

/** The digest's job key: one per user and local day. */
export function digestJobKey(userId: string, localDate: string): string {
  return `digest:${userId}:${localDate}`;
}

/**
 * Schedules today's digest of every active user whose chosen local hour has come (and is less
 * than DIGEST_LATE_HOURS ago), once per user and local day by its key. Returns how many were new.
 */
export async function sweepDigests(db: Database, now: Date): Promise<number> {
  let created = 0;
  for (const user of await findDigestUsers(db.prisma)) {
    if (user.digestHour === null) continue;
    const local = DateTime.fromJSDate(now, { zone: user.timeZone });
    const hoursSince = local.hour - user.digestHour;
    if (!local.isValid || hoursSince < 0 || hoursSince >= DIGEST_LATE_HOURS) continue;
    const localDate = local.toISODate() ?? "";
    const payload: DigestPayload = { userId: user.id, localDate };
    if (await enqueueJob(db, db.prisma, { kind: DIGEST_SEND, key: digestJobKey(user.id, localDate), payload, runAt: now, now }))
      created += 1;
  }
  return created;
}

/**
 * Sends a user's digest of the pending deadlines of their incidents, most urgent first, with a
 * Message-ID stable per user and day; sends nothing when they have none or stopped wanting it.
 */
export async function sendDigest(deps: ReminderJobDeps, payload: DigestPayload): Promise<boolean> {
  const user = await findRecipient(deps.db.prisma, payload.userId);
  if (!user || user.status !== "active" || user.digestHour === null) return false;
  const deadlines = await findDeadlinesOfUser(deps.db.prisma, user);
  if (deadlines.length === 0) {
    deps.logger.info({ userId: user.id }, "no pending deadlines: no digest sent");
    return false;
  }
  const base = deps.config.publicUrl;
  const mail = await renderDigestEmail({
    recipientName: user.name,
    recipientZone: user.timeZone,
    localDate: payload.localDate,
    now: deps.now,
    link: `${base}/`,
    lines: deadlines.map((d) => {
      const rule = termsOf(d);
      return {
        incidentReference: d.incident.reference,
        incidentTitle: d.incident.title,
        ruleId: d.ruleId,
        obligation: rule.obligation,
        party: rule.party,
        dueAt: d.dueAt!,
        ruleZone: d.zone,
        link: `${base}/incidents/${encodeURIComponent(d.incident.reference)}`,
      };
    }),
  });
  const key = digestJobKey(user.id, payload.localDate);
  await deps.mailer.send({ to: user.email, ...mail, messageId: `<digest.${sha256(key).slice(0, 32)}@breachdesk>` });
  return true;
}
