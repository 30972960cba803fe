import type { Config } from "../../config/config.js";
import type { Database } from "../../db/client.js";
import { sha256 } from "../../lib/ids.js";
import type { Logger } from "../../lib/logger.js";
import { INCIDENT_HEADER, type Mailer } from "../../mail/mailer.js";
import { canReadIncident } from "../incidents/index.js";
import { termsOf } from "../obligations/index.js";
import { renderReminderEmail } from "./reminder-mail.policy.js";
import {
  CLOSED_INCIDENT_STATUSES,
  findActiveManagersWithReminders,
  findObligationForReminder,
  findRecipient,
  type ReminderObligation,
  type ReminderRecipient,
} from "./reminders.repository.js";
import type { ReminderDeliverPayload } from "./reminders.schemas.js";

export interface ReminderJobDeps {
  db: Database;
  mailer: Mailer;
  config: Config;
  logger: Logger;
  now: Date;
}

/** Why a reminder about this obligation is no longer wanted, or null when it still is. */
export function reasonNotToRemind(obligation: ReminderObligation | null): string | null {
  if (!obligation) return "the obligation no longer exists";
  if (obligation.status !== "pending") return `the obligation is ${obligation.status}`;
  if (CLOSED_INCIDENT_STATUSES.includes(obligation.incident.status)) return "the incident is closed";
  if (!obligation.dueAt) return "the obligation has no due instant";
  return null;
}

function wantsReminders(user: ReminderRecipient | null): user is ReminderRecipient {
  return user !== null && user.status === "active" && user.remindersEnabled;
}

/**
 * Who is reminded of an incident's deadlines: its owner when it has one (and wants reminders);
 * when nobody owns it, every active manager and admin who wants reminders. Of a restricted
 * incident (given with its id and access), only those who may read it (decision 0030).
 */
export async function reminderRecipients(
  db: Database,
  incident: { ownerId: string | null; id?: string; access?: string },
): Promise<ReminderRecipient[]> {
  let users: ReminderRecipient[];
  if (incident.ownerId) {
    const owner = await findRecipient(db.prisma, incident.ownerId);
    users = wantsReminders(owner) ? [owner] : [];
  } else {
    users = await findActiveManagersWithReminders(db.prisma);
  }
  const { id, access } = incident;
  if (id === undefined || access === undefined || access === "open") return users;
  const readable = await Promise.all(users.map((user) => canReadIncident(db.prisma, user, { id, access })));
  return users.filter((_, i) => readable[i]);
}

/** The stable Message-ID of one reminder delivery: the same on every retry of that job. */
export function reminderMessageId(deliveryKey: string): string {
  return `<reminder.${sha256(deliveryKey).slice(0, 32)}@breachdesk>`;
}

/**
 * Sends one reminder to one person, re-checking first that the obligation is still pending
 * and that they still want reminders (a met obligation sends nothing). Returns whether sent.
 */
export async function deliverReminder(
  deps: ReminderJobDeps,
  payload: ReminderDeliverPayload,
  deliveryKey: string,
): Promise<boolean> {
  const obligation = await findObligationForReminder(deps.db.prisma, payload.obligationId);
  const reason = reasonNotToRemind(obligation);
  const user = await findRecipient(deps.db.prisma, payload.userId);
  // Taken off a restricted incident's team since the reminder was queued: not reminded of it.
  const mayRead = user && obligation ? await canReadIncident(deps.db.prisma, user, obligation.incident) : false;
  if (reason || !obligation?.dueAt || !wantsReminders(user) || !mayRead) {
    deps.logger.info({ obligationId: payload.obligationId, userId: payload.userId, reason }, "reminder not sent");
    return false;
  }
  const rule = termsOf(obligation);
  const citation = rule.citations[0];
  const mail = await renderReminderEmail({
    recipientName: user.name,
    incidentReference: obligation.incident.reference,
    incidentTitle: obligation.incident.title,
    ruleId: obligation.ruleId,
    obligation: rule.obligation,
    regime: rule.regime,
    party: rule.party,
    dueAt: obligation.dueAt,
    now: deps.now,
    recipientZone: user.timeZone,
    ruleZone: obligation.zone,
    citation: citation ? [citation.law, citation.section].filter(Boolean).join(", ") : "",
    link: `${deps.config.publicUrl}/incidents/${encodeURIComponent(obligation.incident.reference)}`,
  });
  await deps.mailer.send({
    to: user.email,
    ...mail,
    messageId: reminderMessageId(deliveryKey),
    headers: { "X-Breachdesk-Reminder": `${obligation.ruleId} ${payload.slot}`, [INCIDENT_HEADER]: obligation.incident.id },
  });
  return true;
}
