import { computeDeadline, findRule, type Rule, type TriggerCode } from "../deadlines/index.js";
import { applyDelays, type DelayedDeadline, delaysOf } from "./deadline-delay.policy.js";
import { holidaysOfObligation } from "./obligation-zone.policy.js";

/** What an obligation's deadline is computed from: its copied terms, its zone and the delays recorded on it. */
export interface ObligationTerms {
  terms: string;
  zone: string;
  /** JSON list of the law's delays and extensions recorded (deadline-delay.policy.ts); absent: none. */
  delays?: string | null;
}

export type ObligationDeadline =
  /** The clock started at `startedAt`, the instant of the event of its trigger code. */
  | ({ isWaiting: false; startedAt: Date } & DelayedDeadline)
  /** The clock has not started: the event that starts it is not recorded yet. */
  | { isWaiting: true; waitingFor: TriggerCode };

/** The rule as it was copied onto the obligation when it was applied. */
export function termsOf(obligation: Pick<ObligationTerms, "terms">): Rule {
  return JSON.parse(obligation.terms) as Rule;
}

/**
 * The delays and extensions the obligation's law allows: its copied terms', or the pack's
 * current rule's when the terms were copied before rules carried them (decision 0034).
 */
export function delayRulesOf(rule: Rule): Pick<Rule, "delays"> {
  return { delays: rule.delays ?? findRule(rule.id)?.delays ?? [] };
}

/**
 * Computes an obligation's deadline from its copied terms (never the current rule pack), the
 * incident's clock events and the delays recorded on it, in the obligation's zone. Pure: the
 * same inputs always give the same instants.
 */
export function deadlineOfObligation(obligation: ObligationTerms, clockEvents: { code: string; at: Date }[]): ObligationDeadline {
  const rule = termsOf(obligation);
  const events = Object.fromEntries(clockEvents.map((e) => [e.code, e.at])) as Partial<Record<TriggerCode, Date>>;
  const trigger = events[rule.trigger.code as TriggerCode];
  if (!trigger) return { isWaiting: true, waitingFor: rule.trigger.code as TriggerCode };
  const holidays = holidaysOfObligation(rule, obligation.zone);
  const count = (from: Date) => computeDeadline(rule, from, { zone: obligation.zone, holidays, events });
  const computed = applyDelays(delayRulesOf(rule), count(trigger), delaysOf(obligation), count);
  return { isWaiting: false, startedAt: trigger, ...computed };
}
