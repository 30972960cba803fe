import { type ComputedDeadline, computeDeadline, type Rule, type TriggerCode } from "../deadlines/index.js";
import { holidaysOfObligation } from "./obligation-zone.policy.js";

/** What an obligation's deadline is computed from: its copied terms and its zone. */
export interface ObligationTerms {
  terms: string;
  zone: string;
}

export type ObligationDeadline =
  /** The clock started at `startedAt`, the instant of the event of its trigger code. */
  | ({ isWaiting: false; startedAt: Date } & ComputedDeadline)
  /** The clock has not started: the event that starts it is not recorded yet. */
  | { isWaiting: true; waitingFor: TriggerCode };

/** The rule as it was copied onto the obligation when it was applied. */
export function termsOf(obligation: Pick<ObligationTerms, "terms">): Rule {
  return JSON.parse(obligation.terms) as Rule;
}

/**
 * Computes an obligation's deadline from its copied terms (never the current rule pack) and
 * the incident's clock events, in the obligation's zone. Pure: the same inputs always give
 * the same instants.
 */
export function deadlineOfObligation(obligation: ObligationTerms, clockEvents: { code: string; at: Date }[]): ObligationDeadline {
  const rule = termsOf(obligation);
  const events = Object.fromEntries(clockEvents.map((e) => [e.code, e.at])) as Partial<Record<TriggerCode, Date>>;
  const trigger = events[rule.trigger.code as TriggerCode];
  if (!trigger) return { isWaiting: true, waitingFor: rule.trigger.code as TriggerCode };
  const holidays = holidaysOfObligation(rule, obligation.zone);
  return { isWaiting: false, startedAt: trigger, ...computeDeadline(rule, trigger, { zone: obligation.zone, holidays, events }) };
}
