import type { DbOrTx } from "../../db/client.js";
import type { Prisma } from "../../generated/sqlite/client.js";
import { readableIncidentsWhere } from "../incidents/index.js";

/** Incident statuses after which no deadline of the incident is reminded or listed. */
export const CLOSED_INCIDENT_STATUSES = ["closed", "closed_not_notifiable"];

const reminderObligationSelect = {
  id: true,
  ruleId: true,
  terms: true,
  zone: true,
  status: true,
  dueAt: true,
  incident: {
    select: {
      id: true,
      reference: true,
      title: true,
      status: true,
      ownerId: true,
      access: true,
      timeZone: true,
      clockEvents: true,
    },
  },
} satisfies Prisma.ObligationSelect;

/** One obligation with what a reminder about it shows, or null. */
export function findObligationForReminder(db: DbOrTx, id: string) {
  return db.obligation.findUnique({ where: { id }, select: reminderObligationSelect });
}

export type ReminderObligation = NonNullable<Awaited<ReturnType<typeof findObligationForReminder>>>;

const recipientSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  status: true,
  timeZone: true,
  remindersEnabled: true,
  digestHour: true,
} satisfies Prisma.UserSelect;

export type ReminderRecipient = Prisma.UserGetPayload<{ select: typeof recipientSelect }>;

/** A user as reminders need them, or null. */
export function findRecipient(db: DbOrTx, id: string) {
  return db.user.findUnique({ where: { id }, select: recipientSelect });
}

/** Active managers and admins who want reminders: who is reminded of an incident nobody owns. */
export function findActiveManagersWithReminders(db: DbOrTx) {
  return db.user.findMany({
    where: { status: "active", role: { in: ["manager", "admin"] }, remindersEnabled: true },
    select: recipientSelect,
    orderBy: { email: "asc" },
  });
}

/** Active users who chose a daily digest. */
export function findDigestUsers(db: DbOrTx) {
  return db.user.findMany({ where: { status: "active", digestHour: { not: null } }, select: recipientSelect });
}

/**
 * The incidents a user answers for: those they own and, for managers and admins, those nobody
 * owns; of those, only the ones they may read (decision 0030), put beside the scopes with AND.
 */
function answeredFor(user: { id: string; role: string }): Prisma.IncidentWhereInput {
  return { OR: scopesOf(user), AND: [readableIncidentsWhere(user)] };
}

function scopesOf(user: { id: string; role: string }): Prisma.IncidentWhereInput[] {
  const scopes: Prisma.IncidentWhereInput[] = [{ ownerId: user.id }];
  if (user.role === "manager" || user.role === "admin") scopes.push({ ownerId: null });
  return scopes;
}

/**
 * The pending obligations whose clock has not started, of the open incidents a user answers for
 * (the digest lists them as waiting, with the fact they wait for), oldest applied first.
 */
export function findWaitingObligationsOfUser(db: DbOrTx, user: { id: string; role: string }) {
  return db.obligation.findMany({
    where: {
      status: "pending",
      dueAt: null,
      clockStartedAt: null,
      incident: { status: { notIn: CLOSED_INCIDENT_STATUSES }, ...answeredFor(user) },
    },
    orderBy: { appliedAt: "asc" },
    select: { id: true, ruleId: true, terms: true, incident: { select: { id: true, reference: true, title: true } } },
  });
}

/**
 * The pending obligations with a due instant of the open incidents a user answers for: those
 * they own and, for managers and admins, those nobody owns (the same people reminders go to).
 */
export function findDeadlinesOfUser(db: DbOrTx, user: { id: string; role: string }) {
  return db.obligation.findMany({
    where: {
      status: "pending",
      dueAt: { not: null },
      incident: { status: { notIn: CLOSED_INCIDENT_STATUSES }, ...answeredFor(user) },
    },
    select: {
      id: true,
      ruleId: true,
      terms: true,
      zone: true,
      dueAt: true,
      updatedAt: true,
      incident: { select: { id: true, reference: true, title: true } },
    },
    orderBy: [{ dueAt: "asc" }, { id: "asc" }],
  });
}

/** Sets a user's reminder choices. */
export function updateReminderSettings(
  db: DbOrTx,
  userId: string,
  data: { remindersEnabled: boolean; digestHour: number | null },
) {
  return db.user.update({ where: { id: userId }, data, select: recipientSelect });
}

/**
 * Sets (or clears, with null) the hash of a user's calendar feed secret, with when it was
 * issued: the account page shows a feed issued since the last password change.
 */
export function setCalendarTokenHash(db: DbOrTx, userId: string, calendarTokenHash: string | null, at: Date) {
  return db.user.update({
    where: { id: userId },
    data: { calendarTokenHash, calendarTokenCreatedAt: calendarTokenHash === null ? null : at },
    select: { id: true },
  });
}

/** The user whose calendar feed secret has this hash, or null. */
export function findUserByCalendarTokenHash(db: DbOrTx, calendarTokenHash: string) {
  return db.user.findUnique({ where: { calendarTokenHash }, select: { ...recipientSelect, calendarTokenHash: true } });
}

/** Stores an obligation's next reminder (the reminders' own columns of the obligation row). */
export function setNextReminder(
  db: DbOrTx,
  obligationId: string,
  next: { nextReminderAt: Date | null; nextReminderSlot: string | null },
) {
  return db.obligation.update({ where: { id: obligationId }, data: next });
}

/** When each of these obligations' clocks started, as stored (null while waiting, or before it was first recomputed). */
export async function findClockStarts(db: DbOrTx, obligationIds: string[]): Promise<Map<string, Date | null>> {
  if (obligationIds.length === 0) return new Map();
  const rows = await db.obligation.findMany({ where: { id: { in: obligationIds } }, select: { id: true, clockStartedAt: true } });
  return new Map(rows.map((r) => [r.id, r.clockStartedAt]));
}
