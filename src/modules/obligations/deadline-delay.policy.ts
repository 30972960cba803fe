// The law's delays and extensions as events on an obligation (decision 0034): a law-enforcement
// delay (HIPAA 45 CFR 164.412, the US states), the SEC's Attorney General determination (Form 8-K
// Item 1.05(c)), an extension the regulator granted (India's DPDP Rules, Rule 7(2)(b)) and the
// lifting of an open-ended delay. Which of them a rule allows, with its caps and citation, is data
// (the rule's `delays`); this file applies the recorded events to the computed deadline and
// refuses what the law does not allow. Pure: no clock, no database.
import { DateTime } from "luxon";
import { AppError } from "../../lib/errors.js";
import { formatInZone } from "../../lib/instants.js";
import type { ComputedDeadline, Rule } from "../deadlines/index.js";

type DelayAllowance = NonNullable<Rule["delays"]>[number];
type DelayCap = NonNullable<DelayAllowance["steps"]>[number];

export const DELAY_EVENT_KINDS = [
  "law_enforcement_delay",
  "attorney_general_determination",
  "extension_granted",
  "delay_lifted",
] as const;
export type DelayEventKind = (typeof DELAY_EVENT_KINDS)[number];
export const DELAY_FORMS = ["written", "oral"] as const;
export type DelayForm = (typeof DELAY_FORMS)[number];

/** The words for each kind, on the pages, the timeline and the audit log. */
export const DELAY_KIND_LABELS: Record<DelayEventKind, string> = {
  law_enforcement_delay: "law-enforcement delay",
  attorney_general_determination: "Attorney General determination",
  extension_granted: "extension granted",
  delay_lifted: "delay lifted",
};

/** One recorded event, as obligation.delays keeps it (JSON, instants in ISO 8601 UTC). */
export interface RecordedDelay {
  id: string;
  kind: DelayEventKind;
  /** A law-enforcement statement's form where the law distinguishes them (HIPAA); "" otherwise. */
  form: DelayForm | "";
  /** When the statement, determination or grant was made, or the delay lifted. */
  at: string;
  zone: string;
  /** The end of the delay or the extended deadline the event names; null when open-ended. */
  until: string | null;
  /** Who asked or granted: "FBI", "US Attorney General", "Data Protection Board". */
  agency: string;
  reference: string;
  evidenceUrl: string;
  note: string;
  recordedAt: string;
  recordedBy: string;
}

/** What the delays did to a deadline, for the pages and the API. */
export interface DelayOutcome {
  /** The due instant without any delay, shown beside the new one. */
  originalDueAt: Date | null;
  originalTargetAt: Date | null;
  /** An open-ended delay not lifted yet: no due instant until it is. */
  isSuspended: boolean;
  /** One sentence per event: what it did. */
  words: string[];
}

export type DelayedDeadline = ComputedDeadline & { delay?: DelayOutcome };

/** The recorded events of an obligation, oldest first; a row from before the column reads as none. */
export function delaysOf(obligation: { delays?: string | null }): RecordedDelay[] {
  const list = JSON.parse(obligation.delays || "[]") as RecordedDelay[];
  return [...list].sort((a, b) => a.at.localeCompare(b.at) || a.recordedAt.localeCompare(b.recordedAt));
}

/** The allowance of the rule a recorded kind falls under ("delay lifted" ends the suspending one). */
export function allowanceFor(rule: Pick<Rule, "delays">, kind: DelayEventKind): DelayAllowance | undefined {
  const allowances = rule.delays ?? [];
  if (kind === "delay_lifted") return allowances.find((a) => a.effect === "suspend");
  return allowances.find((a) => a.kind === kind);
}

/** The latest instant a cap allows from `from`: hours as elapsed time, days to the end of the last local day. */
export function capEnd(from: Date, cap: DelayCap, zone: string): Date {
  const start = DateTime.fromJSDate(from, { zone });
  if (cap.unit === "hours") return start.plus({ hours: cap.amount }).toJSDate();
  return start.startOf("day").plus({ days: cap.amount }).endOf("day").toJSDate();
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const capWords = (cap: DelayCap) => plural(cap.amount, cap.unit === "hours" ? "hour" : "calendar day");
const cite = (a: DelayAllowance) => `${a.citation.law}${a.citation.section ? `, ${a.citation.section}` : ""}`;

function whoAsked(d: RecordedDelay): string {
  if (d.kind === "attorney_general_determination") return `the ${d.agency || "Attorney General"}'s determination`;
  if (d.kind === "extension_granted") return `an extension granted by ${d.agency || "the regulator"}`;
  return `${d.agency ? `the ${d.agency}'s` : "law enforcement's"}${d.form ? ` ${d.form}` : ""} request`;
}

/**
 * Applies the recorded delays to a computed deadline, in order: a toll stops the clock from the
 * request to the end it names (overlapping requests count once), an extension makes the end it
 * names the deadline, an open-ended delay leaves no due instant until it is lifted, when
 * `recount` counts the rule's own period again from the lifting. Returns the deadline unchanged
 * when nothing is recorded.
 */
export function applyDelays(
  rule: Pick<Rule, "delays">,
  base: ComputedDeadline,
  delays: RecordedDelay[],
  recount: (from: Date) => ComputedDeadline,
): DelayedDeadline {
  if (!delays.length) return base;
  let current: ComputedDeadline = base;
  let isSuspended = false;
  let tolledUntil = 0;
  const words: string[] = [];
  // The clock stands still for the delay's length in local days and time, so a daylight-saving
  // change inside the delay does not move the deadline's hour.
  const shift = (at: Date | undefined, from: number, to: number) => {
    if (!at || to <= from) return at;
    const length = DateTime.fromMillis(to, { zone: base.zone }).diff(DateTime.fromMillis(from, { zone: base.zone }), [
      "days",
      "milliseconds",
    ]);
    return DateTime.fromJSDate(at, { zone: base.zone }).plus(length).toJSDate();
  };
  for (const d of delays) {
    const allowance = allowanceFor(rule, d.kind);
    if (!allowance) continue;
    const at = new Date(d.at);
    const until = d.until ? new Date(d.until) : null;
    if (allowance.effect === "toll" && until) {
      const from = Math.max(at.getTime(), tolledUntil);
      const to = until.getTime();
      tolledUntil = Math.max(tolledUntil, to);
      current = {
        ...current,
        dueAt: shift(current.dueAt ?? undefined, from, to) ?? null,
        targetAt: shift(current.targetAt, from, to),
        extendsTo: shift(current.extendsTo, from, to),
      };
      words.push(
        `Delayed at ${whoAsked(d)} from ${formatInZone(at, d.zone)} until ${formatInZone(until, d.zone)} (${cite(allowance)}): the clock stopped for that time.`,
      );
    } else if (allowance.effect === "extend" && until) {
      current = { ...current, dueAt: until, extendsTo: undefined };
      words.push(
        `Extended by ${whoAsked(d)} of ${formatInZone(at, d.zone)} until ${formatInZone(until, d.zone)} (${cite(allowance)}).`,
      );
    } else if (allowance.effect === "suspend" && d.kind !== "delay_lifted") {
      isSuspended = true;
      words.push(
        `Delayed at ${whoAsked(d)} of ${formatInZone(at, d.zone)} while notice would impede the investigation (${cite(allowance)}): no due instant until the delay is lifted.`,
      );
    } else if (allowance.effect === "suspend" && isSuspended) {
      isSuspended = false;
      current = recount(at);
      words.push(
        `Delay lifted ${formatInZone(at, d.zone)}${d.agency ? ` by the ${d.agency}` : ""}: the rule's own time counts again from then.`,
      );
    }
  }
  const basis = `${current.basis} ${words.join(" ")}`;
  const outcome = { originalDueAt: base.dueAt, originalTargetAt: base.targetAt ?? null, isSuspended, words };
  if (isSuspended) {
    const { extendsTo: _e, targetAt: _t, ...rest } = current;
    return { ...rest, dueAt: null, dueLocal: null, basis, delay: outcome };
  }
  const dueLocal = current.dueAt ? DateTime.fromJSDate(current.dueAt, { zone: current.zone }).toISO() : null;
  return { ...current, dueLocal, basis, delay: outcome };
}

/** An event about to be recorded, its instants parsed. */
export interface DelayRequest {
  kind: DelayEventKind;
  form: DelayForm | "";
  at: Date;
  until: Date | null;
}

function refuse(message: string, field = "kind"): never {
  throw new AppError("validation", message, { [field]: message });
}

/**
 * Refuses an event the rule's law does not allow, naming the cap and the citation: a kind the
 * rule has no allowance for, a form it does not know, an end beyond the cap, a further step past
 * the last one, a delay asked after the deadline it would move, a lifting with no open delay.
 * `dueAt` is the deadline as it stands with the events already recorded.
 */
export function checkDelayRequest(
  rule: Pick<Rule, "id" | "delays">,
  recorded: RecordedDelay[],
  request: DelayRequest,
  standing: { dueAt: Date | null; isSuspended: boolean },
  zone: string,
): void {
  const allowance = allowanceFor(rule, request.kind);
  const label = DELAY_KIND_LABELS[request.kind];
  if (!allowance) {
    const allowed = (rule.delays ?? []).map((a) => `${DELAY_KIND_LABELS[a.kind]} (${cite(a)})`);
    refuse(
      request.kind === "delay_lifted"
        ? `${rule.id} has no open-ended delay to lift.`
        : `${rule.id} allows no ${label}${allowed.length ? `; it allows: ${allowed.join(", ")}` : ": its law provides no delay or extension"}.`,
    );
  }
  const show = (at: Date) => formatInZone(at, zone);
  if (request.kind === "delay_lifted") {
    if (!standing.isSuspended) refuse(`${rule.id} has no open law-enforcement delay to lift.`);
    const since = recorded.filter((d) => d.kind === "law_enforcement_delay").at(-1);
    if (since && request.at.getTime() < new Date(since.at).getTime()) {
      refuse(`The delay was asked on ${show(new Date(since.at))}: it cannot be lifted before that.`, "at");
    }
    return;
  }
  if (standing.isSuspended) refuse(`${rule.id} is already delayed until law enforcement lifts the delay: record that first.`);
  if (allowance.forms) {
    if (!request.form || !(request.form in allowance.forms)) {
      refuse(`Say whether the statement was ${Object.keys(allowance.forms).join(" or ")} (${cite(allowance)}).`, "form");
    }
  }
  // A delay is asked before the deadline it moves; the regulator's own extension may come after the request.
  if (request.kind !== "extension_granted" && standing.dueAt && request.at.getTime() > standing.dueAt.getTime()) {
    refuse(
      `The deadline ${show(standing.dueAt)} had passed before ${show(request.at)}: a ${label} cannot move a passed deadline.`,
      "at",
    );
  }
  if (allowance.effect === "suspend") return;
  if (!request.until) refuse(`Enter until when: the ${label} names an end (${cite(allowance)}).`, "until");
  const from = allowance.effect === "toll" ? request.at : standing.dueAt;
  if (from && request.until.getTime() <= from.getTime()) {
    refuse(`The end must be after ${show(from)}${allowance.effect === "extend" ? ", the deadline it extends" : ""}.`, "until");
  }
  const formCap = request.form && allowance.forms ? allowance.forms[request.form] : null;
  if (formCap) {
    const limit = capEnd(request.at, formCap, zone);
    if (request.until.getTime() > limit.getTime()) {
      refuse(
        `An ${request.form} ${label} lasts at most ${capWords(formCap)} from the statement, until ${show(limit)} (${cite(allowance)}). ${allowance.beyond ?? ""}`.trim(),
        "until",
      );
    }
  }
  if (allowance.steps && from) {
    const step = recorded.filter((d) => d.kind === request.kind).length;
    const cap = allowance.steps[step];
    if (!cap) {
      refuse(
        `${rule.id} allows ${allowance.steps.length} ${label}s (${allowance.steps.map(capWords).join(", then ")}; ${cite(allowance)}). ${allowance.beyond ?? "No further one."}`,
      );
    }
    const limit = capEnd(from, cap, zone);
    if (request.until.getTime() > limit.getTime()) {
      refuse(
        `This ${label} (number ${step + 1}) may delay by at most ${capWords(cap)}, until ${show(limit)} (${cite(allowance)}).`,
        "until",
      );
    }
  }
}
