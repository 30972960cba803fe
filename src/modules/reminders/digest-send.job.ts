import { defineJob } from "../../jobs/index.js";
import { sha256 } from "../../lib/ids.js";
import { describeWaitingFor, termsOf } from "../obligations/index.js";
import type { ReminderJobDeps } from "./reminder.service.js";
import { renderDigestEmail } from "./reminder-mail.policy.js";
import { findDeadlinesOfUser, findRecipient, findWaitingObligationsOfUser } from "./reminders.repository.js";
import { type DigestPayload, digestPayloadSchema } from "./reminders.schemas.js";

export const DIGEST_SEND = "reminders.digest";

/** The digest's job key: one per user and local day. */
export function digestJobKey(userId: string, localDate: string): string {
  return `digest:${userId}:${localDate}`;
}

/**
 * Sends a user's digest of the pending deadlines of their incidents, most urgent first, with a
 * Message-ID stable per user and day; sends nothing when they have none or stopped wanting it.
 */
export async function sendDigest(deps: ReminderJobDeps, payload: DigestPayload): Promise<boolean> {
  const user = await findRecipient(deps.db.prisma, payload.userId);
  if (!user || user.status !== "active" || user.digestHour === null) return false;
  const [deadlines, waitingRows] = await Promise.all([
    findDeadlinesOfUser(deps.db.prisma, user),
    findWaitingObligationsOfUser(deps.db.prisma, user),
  ]);
  // A rule that starts no clock (a declaration) is never waiting: it is not listed.
  const waiting = waitingRows.filter((o) => termsOf(o).deadline.kind !== "none");
  if (deadlines.length === 0 && waiting.length === 0) {
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
    waiting: waiting.map((o) => {
      const rule = termsOf(o);
      return {
        incidentReference: o.incident.reference,
        ruleId: o.ruleId,
        obligation: rule.obligation,
        party: rule.party,
        waitingFor: describeWaitingFor(rule.trigger.code),
        link: `${base}/incidents/${encodeURIComponent(o.incident.reference)}/deadlines`,
      };
    }),
  });
  const key = digestJobKey(user.id, payload.localDate);
  await deps.mailer.send({ to: user.email, ...mail, messageId: `<digest.${sha256(key).slice(0, 32)}@breachdesk>` });
  return true;
}

/** One user's digest of one local day, scheduled by the digest sweep. */
export const digestSendJob = defineJob({
  id: DIGEST_SEND,
  schema: digestPayloadSchema,
  async handler(payload, { db, mailer, config, logger, clock }) {
    await sendDigest({ db, mailer, config, logger, now: clock.now() }, payload);
  },
});
