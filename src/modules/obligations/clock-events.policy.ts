// The clock-starting events of an incident as the deadlines see them. Besides the explicit
// ClockEvent rows, the incident's own "aware" and "detected" instants count as the
// aware_suspected_breach and detection events, so a manager who filled in the incident form
// sees the OAIC clock run without entering the same instant twice. An explicit event of the
// same code wins over the incident's detail.
import type { Incident } from "../../generated/sqlite/client.js";
import { describeTrigger, isTriggerCode, type TriggerCode } from "../deadlines/index.js";

export interface EffectiveClockEvent {
  code: string;
  at: Date;
  zone: string;
  /** "recorded": a ClockEvent row; "incident": the incident's awareAt or detectedAt. */
  source: "recorded" | "incident";
  note: string;
}

/** Which incident field stands in for which trigger code when no event of that code is recorded. */
export const INCIDENT_FIELD_EVENTS = { aware_suspected_breach: "awareAt", detection: "detectedAt" } as const;

/**
 * The events that drive an incident's clocks: every recorded event, plus awareAt and detectedAt
 * as aware_suspected_breach and detection where no event of that code is recorded.
 */
export function effectiveClockEvents(
  incident: Pick<Incident, "awareAt" | "detectedAt" | "timeZone">,
  recorded: { code: string; at: Date; zone: string; note: string }[],
): EffectiveClockEvent[] {
  const events: EffectiveClockEvent[] = recorded.map((e) => ({ ...e, source: "recorded" }));
  for (const [code, field] of Object.entries(INCIDENT_FIELD_EVENTS)) {
    const at = incident[field];
    if (at && !recorded.some((e) => e.code === code)) {
      events.push({ code, at, zone: incident.timeZone, source: "incident", note: "from the incident's details" });
    }
  }
  return events.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The plain words for a trigger code, or the code itself when it is not in the vocabulary. */
export function labelOfTrigger(code: string): string {
  return isTriggerCode(code) ? describeTrigger(code as TriggerCode) : code;
}
