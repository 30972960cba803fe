// The clock-starting events of an incident as the deadlines see them: for each trigger code, the
// recorded fact that starts it (clock-facts.policy.ts: the incident's "aware" and "detected"
// instants, the notifiable or materiality decision, ...), unless an explicit ClockEvent of that
// code is recorded, which wins and is shown as an override of the fact.
import { describeTrigger, isTriggerCode, type TriggerCode } from "../deadlines/index.js";
import {
  CLOCK_FACT_LABELS,
  type ClockFactKey,
  clockFactsOf,
  factForTrigger,
  type IncidentClockFacts,
  TRIGGER_FACTS,
} from "./clock-facts.policy.js";

export interface EffectiveClockEvent {
  code: string;
  at: Date;
  zone: string;
  /** "incident": a fact recorded on the incident started it; "recorded": an explicit clock event. */
  source: "recorded" | "incident";
  note: string;
  /** The fact that starts this code's clock: the one used (source incident) or the one overridden. */
  fact: ClockFactKey | null;
  /** The record the fact comes from (a decision's id), "" for the incident's own instants. */
  factRecordId: string;
  /** An explicit clock event recorded although a fact would start the clock. */
  isOverride: boolean;
}

/**
 * The events that drive an incident's clocks: every recorded event (an override where a fact
 * exists for its code), plus, for each code of the mapping table with no recorded event, the
 * fact that starts it. Sorted by instant.
 */
export function effectiveClockEvents(
  incident: IncidentClockFacts,
  recorded: { code: string; at: Date; zone: string; note: string }[],
): EffectiveClockEvent[] {
  const facts = clockFactsOf(incident);
  const events: EffectiveClockEvent[] = recorded.map((e) => {
    const fact = factForTrigger(e.code, facts);
    return { ...e, source: "recorded", fact: fact?.key ?? null, factRecordId: fact?.recordId ?? "", isOverride: fact !== null };
  });
  for (const code of Object.keys(TRIGGER_FACTS)) {
    const fact = factForTrigger(code, facts);
    if (fact && !recorded.some((e) => e.code === code)) {
      events.push({
        code,
        at: fact.at,
        zone: fact.zone,
        source: "incident",
        note: `from ${CLOCK_FACT_LABELS[fact.key]}`,
        fact: fact.key,
        factRecordId: fact.recordId,
        isOverride: false,
      });
    }
  }
  return events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.code.localeCompare(b.code));
}

/**
 * The trigger codes started by the incident's own "aware" and "detected" fields, by field name
 * (for the API's startedBy.fact until it reads describeObligation's startedBy).
 */
export const INCIDENT_FIELD_EVENTS: Record<string, "awareAt" | "detectedAt"> = Object.fromEntries(
  Object.entries(TRIGGER_FACTS).flatMap(([code, m]): [string, "awareAt" | "detectedAt"][] =>
    m.fact === "incident.aware_at" ? [[code, "awareAt"]] : m.fact === "incident.detected_at" ? [[code, "detectedAt"]] : [],
  ),
);

/** Where a page shows the fact that started a clock, or the override that did. */
export function clockFactHref(reference: string, event: Pick<EffectiveClockEvent, "source" | "fact" | "factRecordId">): string {
  const ref = encodeURIComponent(reference);
  if (event.source === "recorded") return `/incidents/${ref}/deadlines#clock-events`;
  if (event.fact === "decision.notifiable" || event.fact === "decision.material") {
    return `/incidents/${ref}/assessment#decision-${event.factRecordId}`;
  }
  if (event.fact === "statement.prepared") return `/incidents/${ref}/regulators`;
  return `/incidents/${ref}#overview`;
}

/** The plain words for a trigger code, or the code itself when it is not in the vocabulary. */
export function labelOfTrigger(code: string): string {
  return isTriggerCode(code) ? describeTrigger(code as TriggerCode) : code;
}

/** What an obligation stores as the start of its clock: clock_event:<code>, or the fact's key (and its record). */
export function clockStartKey(event: Pick<EffectiveClockEvent, "source" | "code" | "fact" | "factRecordId">): string {
  if (event.source === "recorded") return `clock_event:${event.code}`;
  return event.factRecordId ? `${event.fact}:${event.factRecordId}` : String(event.fact);
}

/** What started a clock, as the pages and the API show it: the fact with a link, or the override. */
export function describeClockStart(code: string, events: EffectiveClockEvent[], reference: string | null) {
  const event = events.find((e) => e.code === code);
  if (!event) return null;
  return {
    code: event.code,
    label: labelOfTrigger(event.code),
    at: event.at,
    zone: event.zone,
    /** "incident": a recorded fact; "recorded": an explicit clock event. */
    source: event.source,
    /** The fact used, or the one an override stands in for. */
    fact: event.fact,
    factLabel: event.fact ? CLOCK_FACT_LABELS[event.fact] : null,
    isOverride: event.isOverride,
    note: event.note,
    key: clockStartKey(event),
    href: reference ? clockFactHref(reference, event) : null,
  };
}

export type ClockStart = NonNullable<ReturnType<typeof describeClockStart>>;

/**
 * What a rule whose clock has not started waits for, in words: the fact that will start it
 * ("the decision that the breach is notifiable"), or the event to record by hand.
 */
export function describeWaitingFor(code: string): string {
  const mapping = TRIGGER_FACTS[code as TriggerCode];
  if (mapping) return `${CLOCK_FACT_LABELS[mapping.fact]} (${code})`;
  return `${labelOfTrigger(code)}, recorded as a clock event (${code})`;
}
