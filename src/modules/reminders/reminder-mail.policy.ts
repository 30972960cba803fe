import { DateTime } from "luxon";
import { type RenderedEmail, renderEmail } from "../../mail/render.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** An instant in a zone as people read it, e.g. "Saturday 23 April 2016, 23:59 (Australia/Sydney, UTC+10)". */
export function formatForReader(at: Date, zone: string): string {
  const dt = DateTime.fromJSDate(at, { zone });
  const local = dt.isValid ? dt : DateTime.fromJSDate(at, { zone: "utc" });
  return `${local.toFormat("cccc d LLLL yyyy, HH:mm", { locale: "en-GB" })} (${local.zoneName}, UTC${local.toFormat("ZZ")})`;
}

/** A span as "15 days 3 hours", "5 hours 20 minutes" or "12 minutes". */
export function describeSpan(ms: number): string {
  const abs = Math.abs(ms);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (abs >= DAY_MS) {
    const days = Math.floor(abs / DAY_MS);
    const hours = Math.floor((abs % DAY_MS) / HOUR_MS);
    return hours > 0 ? `${plural(days, "day")} ${plural(hours, "hour")}` : plural(days, "day");
  }
  if (abs >= HOUR_MS) {
    const hours = Math.floor(abs / HOUR_MS);
    const minutes = Math.floor((abs % HOUR_MS) / MINUTE_MS);
    return minutes > 0 ? `${plural(hours, "hour")} ${plural(minutes, "minute")}` : plural(hours, "hour");
  }
  return plural(Math.max(0, Math.floor(abs / MINUTE_MS)), "minute");
}

/** "due in 15 days", "due now" or "overdue by 2 days". */
export function describeTimeLeft(dueAt: Date, now: Date): string {
  const left = dueAt.getTime() - now.getTime();
  if (Math.abs(left) < MINUTE_MS) return "due now";
  return left > 0 ? `due in ${describeSpan(left)}` : `overdue by ${describeSpan(left)}`;
}

export interface ReminderMailData {
  recipientName: string;
  incidentReference: string;
  incidentTitle: string;
  ruleId: string;
  obligation: string;
  regime: string;
  /** Who is to be notified, e.g. "Office of the Australian Information Commissioner". */
  party: string;
  dueAt: Date;
  now: Date;
  recipientZone: string;
  ruleZone: string;
  citation: string;
  link: string;
}

/** Renders a deadline reminder (views/emails/reminder.*.ejs), with the due instant in both zones. */
export async function renderReminderEmail(data: ReminderMailData): Promise<RenderedEmail> {
  const timeLeft = describeTimeLeft(data.dueAt, data.now);
  const isOverdue = data.dueAt.getTime() < data.now.getTime();
  const locals = {
    ...data,
    timeLeft,
    isOverdue,
    dueForRecipient: formatForReader(data.dueAt, data.recipientZone),
    dueForRule: formatForReader(data.dueAt, data.ruleZone),
    isSameZone: data.recipientZone === data.ruleZone,
  };
  const subject = `${isOverdue ? "OVERDUE: " : ""}${data.incidentReference}: ${data.obligation} (${data.ruleId}), ${timeLeft}`;
  return renderEmail("emails/reminder", subject, locals);
}

export interface DigestLine {
  incidentReference: string;
  incidentTitle: string;
  ruleId: string;
  obligation: string;
  party: string;
  dueAt: Date;
  ruleZone: string;
  link: string;
}

/** An obligation of the digest whose clock has not started: what it waits for. */
export interface DigestWaitingLine {
  incidentReference: string;
  ruleId: string;
  obligation: string;
  party: string;
  /** The fact that will start it, in words: "the decision that the breach is notifiable". */
  waitingFor: string;
  link: string;
}

/**
 * Renders the daily digest (views/emails/digest.*.ejs): pending deadlines, most urgent first,
 * then the obligations still waiting for the fact that starts their clock.
 */
export async function renderDigestEmail(data: {
  recipientName: string;
  recipientZone: string;
  localDate: string;
  now: Date;
  lines: DigestLine[];
  waiting?: DigestWaitingLine[];
  link: string;
}): Promise<RenderedEmail> {
  const waiting = data.waiting ?? [];
  const lines = data.lines.map((line) => ({
    ...line,
    timeLeft: describeTimeLeft(line.dueAt, data.now),
    isOverdue: line.dueAt.getTime() < data.now.getTime(),
    dueForRecipient: formatForReader(line.dueAt, data.recipientZone),
    dueForRule: formatForReader(line.dueAt, line.ruleZone),
  }));
  const overdue = lines.filter((l) => l.isOverdue).length;
  const waits = waiting.length > 0 ? `, ${waiting.length} waiting for their clock` : "";
  const subject = `Breachdesk deadlines for ${data.localDate}: ${lines.length} pending${overdue > 0 ? `, ${overdue} overdue` : ""}${waits}`;
  return renderEmail("emails/digest", subject, { ...data, lines, waiting, overdue });
}
