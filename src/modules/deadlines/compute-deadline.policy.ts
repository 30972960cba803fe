// Pure deadline arithmetic: a rule and the instant of the event that starts its clock in, an
// exact instant (UTC) and its local rendering out. No clock, no database.
import { DateTime } from "luxon";
import { AppError } from "../../lib/errors.js";
import { isValidZone } from "../../lib/instants.js";
import { type HolidayCalendar, holidayName } from "./holiday-calendar.policy.js";
import type { DeadlineUnit, Rule, RuleDeadline } from "./rule-pack.policy.js";
import { TRIGGER_CODES, type TriggerCode } from "./trigger-codes.policy.js";

export interface DeadlineOptions {
  /** The IANA zone that counts days and shows times, instead of the rule's default. */
  zone?: string;
  /** The public holidays that business days and roll-forwards skip, instead of the rule's. */
  holidays?: HolidayCalendar;
  /** Instants of other events some rules also depend on (a second limit, or the notice a deadline is relative to). */
  events?: Partial<Record<TriggerCode, Date>>;
}

export interface ComputedDeadline {
  kind: Rule["deadline"]["kind"];
  /** The conservative due instant, or null when the law sets no computable one. */
  dueAt: Date | null;
  /** dueAt as ISO-8601 with the offset of `zone`. */
  dueLocal: string | null;
  zone: string;
  /** Plain words: what was counted from what, and the caveats that matter. */
  basis: string;
  /** The later instant a weekend-or-holiday rule allows; shown beside dueAt, never instead. */
  extendsTo?: Date;
  /** For "as soon as practicable" rules with a regulator's guidance: the guidance target. */
  targetAt?: Date;
}

const HOUR_MS = 3_600_000;
const UNIT_WORDS: Record<DeadlineUnit, [string, string]> = {
  hours: ["hour", "hours"],
  calendar_days: ["calendar day", "calendar days"],
  business_days: ["business day", "business days"],
  months: ["month", "months"],
};
const RELATION_WORDS = { before: "Before", not_later_than: "Not later than", at_same_time: "At the same time as" } as const;

/**
 * Computes a rule's deadline from the instant its clock started: hours as elapsed time, days
 * and months in the rule's (or the given) zone with the trigger's day excluded unless the rule
 * says otherwise, ending at the end of the last local day; never returns a date later than the
 * law's conservative reading (a permitted weekend/holiday extension goes in `extendsTo`).
 */
export function computeDeadline(rule: Rule, triggerInstant: Date, options: DeadlineOptions = {}): ComputedDeadline {
  const zone = options.zone ?? rule.zone.name;
  if (!isValidZone(zone)) throw new AppError("validation", `Unknown time zone "${zone}".`, { zone: "Use an IANA zone." });
  if (Number.isNaN(triggerInstant.getTime())) throw new AppError("validation", `No valid instant for ${rule.id}.`);
  const trigger = DateTime.fromJSDate(triggerInstant, { zone });
  const context: Context = {
    zone,
    calendar: options.holidays ?? rule.holidays,
    events: options.events ?? {},
    trigger,
    since: `${TRIGGER_CODES[rule.trigger.code].phrase} (${show(trigger)})`,
  };
  const notes = inForceNotes(rule, trigger);
  const deadline = rule.deadline;
  if (deadline.kind === "none") return result(rule, zone, null, [deadline.standard, ...notes]);
  if (deadline.kind === "asap") {
    const words = [`No fixed deadline: "${deadline.standard}" after ${context.since}.`];
    if (!deadline.guidance) return result(rule, zone, null, [...words, ...notes]);
    const targetAt = addPeriod(trigger, deadline.guidance.amount, deadline.guidance.unit, "exclude", context.calendar).due;
    words.push(`Guidance target: ${show(targetAt)} (${deadline.guidance.text})`);
    return { ...result(rule, zone, null, [...words, ...notes]), targetAt: targetAt.toJSDate() };
  }
  const { due, words, extendsTo } =
    deadline.kind === "relative" ? relativeDue(deadline, context) : fixedDue(rule, deadline, context);
  return { ...result(rule, zone, due, [...words, ...notes]), ...(extendsTo ? { extendsTo: extendsTo.toJSDate() } : {}) };
}

interface Context {
  zone: string;
  calendar: HolidayCalendar;
  events: Partial<Record<TriggerCode, Date>>;
  trigger: DateTime;
  /** "awareness (2026-03-28 10:00 CET)": the trigger in words, for the basis. */
  since: string;
}

interface Due {
  due: DateTime | null;
  words: string[];
  extendsTo?: DateTime;
}

function relativeDue(deadline: Extract<RuleDeadline, { kind: "relative" }>, context: Context): Due {
  const other = TRIGGER_CODES[deadline.otherNotice].phrase;
  const words = [`${RELATION_WORDS[deadline.relation]} ${other}: "${deadline.standard}".`];
  const otherAt = context.events[deadline.otherNotice];
  let due: DateTime | null = otherAt ? DateTime.fromJSDate(otherAt, { zone: context.zone }) : null;
  words.push(due ? `That notice: ${show(due)}.` : `No instant until ${other} is recorded.`);
  if (deadline.outerLimit) {
    const { amount, unit } = deadline.outerLimit;
    const outer = addPeriod(context.trigger, amount, unit, "exclude", context.calendar);
    words.push(`In any case ${describeCount(amount, unit, "exclude", outer, context)}.`);
    if (!due || outer.due < due) due = outer.due;
  }
  return { due, words };
}

function fixedDue(rule: Rule, deadline: Extract<RuleDeadline, { kind: "fixed" }>, context: Context): Due {
  const counted = addPeriod(context.trigger, deadline.amount, deadline.unit, deadline.startDay, context.calendar);
  const words = [`${describeCount(deadline.amount, deadline.unit, deadline.startDay, counted, context)}.`];
  let due = counted.due;
  for (const limit of deadline.earlierOf ?? []) {
    const phrase = TRIGGER_CODES[limit.from].phrase;
    const span = limit.amount === 0 ? `at ${phrase}` : `${count(limit.amount, limit.unit)} after ${phrase}`;
    const at = context.events[limit.from];
    if (!at) {
      words.push(`Also due ${span} if that comes first (not given).`);
      continue;
    }
    const from = DateTime.fromJSDate(at, { zone: context.zone });
    const limitDue = addPeriod(from, limit.amount, limit.unit, "exclude", context.calendar).due;
    if (limitDue < context.trigger) {
      words.push(`The limit ${span} (${show(limitDue)}) had passed before ${context.since}: report at once, with reasons.`);
    } else if (limitDue < due) {
      words.push(`Due earlier, ${span}: ${show(limitDue)}.`);
      due = limitDue;
    } else {
      words.push(`The other limit, ${span} (${show(limitDue)}), comes later.`);
    }
  }
  // A roll-forward moves the counted last day only; a limit from another event is not a counted day.
  const extendsTo = due === counted.due ? rollForward(due, rule.rollForward.policy, deadline.unit, context.calendar) : undefined;
  if (extendsTo) {
    words.push(
      `The last day is a weekend day or holiday, so it may move to ${show(extendsTo)}: ${rule.rollForward.note ?? "the law's roll-forward rule."} The due date shown stays the unextended one.`,
    );
  }
  if (deadline.outerLimit && deadline.standard) words.push(`This is the latest time; the standard is "${deadline.standard}".`);
  if (deadline.whereFeasible) words.push("Notice after it must give the reasons for the delay.");
  return { due, words, ...(extendsTo ? { extendsTo } : {}) };
}

interface Counted {
  due: DateTime;
  /** The last local day counted (day units), for the basis and roll-forward. */
  lastDay: DateTime | null;
  /** Holidays skipped while counting business days, as "2026-11-26 Thanksgiving Day". */
  skipped: string[];
  isClamped: boolean;
}

function addPeriod(
  start: DateTime,
  amount: number,
  unit: DeadlineUnit,
  startDay: "exclude" | "include",
  calendar: HolidayCalendar,
): Counted {
  // Hours are elapsed time: adding milliseconds cannot be bent by a daylight-saving change.
  if (unit === "hours")
    return { due: start.plus({ milliseconds: amount * HOUR_MS }), lastDay: null, skipped: [], isClamped: false };
  const day = start.startOf("day");
  // luxon clamps months to the month's last day (31 January + 1 month = 28/29 February), as Reg. 1182/71 Art. 3(2)(c) does.
  const last =
    unit === "months" ? day.plus({ months: amount }) : day.plus({ days: startDay === "include" ? amount - 1 : amount });
  if (unit !== "business_days")
    return { due: last.endOf("day"), lastDay: last, skipped: [], isClamped: last.day !== day.day && unit === "months" };
  const skipped: string[] = [];
  let lastBusinessDay = day;
  let counted = startDay === "include" && isBusinessDay(day, calendar) ? 1 : 0;
  while (counted < amount) {
    lastBusinessDay = lastBusinessDay.plus({ days: 1 });
    const holiday = holidayName(lastBusinessDay, calendar);
    if (holiday) skipped.push(`${lastBusinessDay.toISODate()} ${holiday}`);
    if (isBusinessDay(lastBusinessDay, calendar)) counted += 1;
  }
  return { due: lastBusinessDay.endOf("day"), lastDay: lastBusinessDay, skipped, isClamped: false };
}

function describeCount(
  amount: number,
  unit: DeadlineUnit,
  startDay: "exclude" | "include",
  counted: Counted,
  { since, zone, calendar }: Context,
): string {
  const head = `${count(amount, unit)} after ${since}`;
  if (unit === "hours") return `${head}, counted as elapsed time: due ${show(counted.due)}`;
  const end = `due at the end of ${counted.lastDay?.toISODate()}, ${show(counted.due)}`;
  if (unit === "months")
    return `${head}, in calendar months in ${zone}${counted.isClamped ? " (no such day that month: its last day)" : ""}: ${end}`;
  const from =
    startDay === "include"
      ? "counting that day as day 1 (conservative; excluding it gives one day more)"
      : "counted from the next day";
  if (unit === "calendar_days") return `${head}, ${from} in ${zone}: ${end}`;
  const name = calendar.state ? `${calendar.country}-${calendar.state}` : calendar.country;
  const skipped = counted.skipped.length ? ` (holidays skipped: ${counted.skipped.join(", ")})` : "";
  return `${head}, ${from} in ${zone}, skipping weekends and ${name} public holidays${skipped}: ${end}`;
}

function rollForward(
  due: DateTime,
  policy: Rule["rollForward"]["policy"],
  unit: DeadlineUnit,
  calendar: HolidayCalendar,
): DateTime | undefined {
  // A weekend/holiday rule moves a last *day*; an hour limit has no last day to move.
  if (policy === "none" || unit === "hours") return undefined;
  const lastDay = due.startOf("day");
  if (isBusinessDay(lastDay, calendar)) return undefined;
  let next = lastDay.plus({ days: 1 });
  while (!isBusinessDay(next, calendar)) next = next.plus({ days: 1 });
  return policy === "noon_next_business_day" ? next.set({ hour: 12 }) : next.endOf("day");
}

function result(rule: Rule, zone: string, due: DateTime | null, words: string[]): ComputedDeadline {
  return {
    kind: rule.deadline.kind,
    dueAt: due ? due.toUTC().toJSDate() : null,
    dueLocal: due ? due.setZone(zone).toISO() : null,
    zone,
    basis: words.join(" "),
  };
}

function inForceNotes(rule: Rule, trigger: DateTime): string[] {
  const day = trigger.toISODate() ?? "";
  const notes: string[] = [];
  if (rule.inForce.from && day < rule.inForce.from)
    notes.push(`Note: this rule applies from ${rule.inForce.from}; the event is earlier, so check which version applied.`);
  if (rule.inForce.until && day > rule.inForce.until)
    notes.push(`Note: this version applied until ${rule.inForce.until}; the event is later, so check the current rule.`);
  return notes;
}

/** True when a local day is a weekday and not a public holiday of the calendar. */
export function isBusinessDay(day: DateTime, calendar: HolidayCalendar): boolean {
  return day.weekday <= 5 && !holidayName(day, calendar);
}

function count(amount: number, unit: DeadlineUnit): string {
  return `${amount} ${UNIT_WORDS[unit][amount === 1 ? 0 : 1]}`;
}

// The locale only picks the zone abbreviation people expect there (CET, AEDT, EDT); other zones show GMT+9 style.
const ABBREVIATION_LOCALES: [RegExp, string][] = [
  [/^Europe\//, "en-GB"],
  [/^Australia\//, "en-AU"],
  [/^Pacific\/Auckland$/, "en-NZ"],
  [/^Asia\/(Kolkata|Calcutta)$/, "en-IN"],
  [/^Asia\/Singapore$/, "en-SG"],
  [/^Africa\/Johannesburg$/, "en-ZA"],
  [/^America\/(Toronto|Montreal|Vancouver|Edmonton|Winnipeg|Halifax)$/, "en-CA"],
];

function show(at: DateTime): string {
  const locale = ABBREVIATION_LOCALES.find(([pattern]) => pattern.test(at.zoneName ?? ""))?.[1] ?? "en-US";
  return at.setLocale(locale).toFormat("yyyy-LL-dd HH:mm ZZZZ");
}
