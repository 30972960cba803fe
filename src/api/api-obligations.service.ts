// The incident's obligations and clock events as the API shows them, read through the
// obligations module's face: each deadline computed from the copied terms and the events that
// drive the clocks, and what started each clock.
import type { z } from "zod/v4";
import type { Deps } from "../deps.js";
import { AppError } from "../lib/errors.js";
import { loadIncident } from "../modules/incidents/index.js";
import {
  describeObligation,
  effectiveClockEvents,
  INCIDENT_FIELD_EVENTS,
  labelOfTrigger,
  loadDeadlineFacts,
  sortByUrgency,
} from "../modules/obligations/index.js";
import { incidentPath } from "./api.serializers.js";
import type { clockEvent, obligation, startedBy } from "./api-obligations.schemas.js";

type ObligationView = ReturnType<typeof describeObligation>;
type ClockEventView = ReturnType<typeof effectiveClockEvents>[number];
interface RecordedEvent {
  code: string;
  recordedAt: Date;
  recordedBy: string;
}

const iso = (at: Date | null | undefined) => (at ? at.toISOString() : null);

/** The API path of an incident's obligation, named by its rule id (one per rule per incident). */
export function obligationPath(reference: string, ruleId: string): string {
  return `${incidentPath(reference)}/obligations/${encodeURIComponent(ruleId)}`;
}

/** The incident fact that stands for a trigger code, e.g. "awareAt", or null. */
function factOf(code: string): string | null {
  return (INCIDENT_FIELD_EVENTS as Record<string, string>)[code] ?? null;
}

/** What started an obligation's clock: the event of its trigger code, recorded or taken from the incident. */
function startedByOf(view: ObligationView, events: ClockEventView[]): z.output<typeof startedBy> | null {
  if (view.waitingFor) return null;
  const event = events.find((e) => e.code === view.rule.trigger.code);
  if (!event) return null;
  const isFact = event.source === "incident";
  return {
    source: isFact ? "incident" : "clock_event",
    fact: isFact ? factOf(event.code) : null,
    code: event.code,
    label: labelOfTrigger(event.code),
    at: event.at.toISOString(),
    zone: event.zone,
  };
}

function serializeObligation(reference: string, view: ObligationView, events: ClockEventView[]): z.output<typeof obligation> {
  const o = view.obligation;
  const self = obligationPath(reference, o.ruleId);
  return {
    id: o.id,
    rule: o.ruleId,
    obligation: view.rule.obligation,
    regime: view.rule.regime,
    regimeCode: view.rule.regimeCode,
    jurisdiction: view.rule.jurisdiction,
    notify: view.rule.notify,
    party: view.rule.party,
    status: o.status as z.output<typeof obligation>["status"],
    dueAt: iso(view.dueAt),
    extendsTo: iso(view.extendsTo),
    targetAt: iso(view.targetAt),
    zone: o.zone,
    kind: view.kind,
    basis: view.basis,
    standard: view.standard,
    trigger: { code: view.rule.trigger.code, label: labelOfTrigger(view.rule.trigger.code) },
    startedBy: startedByOf(view, events),
    waitingFor: view.waitingFor,
    isOverdue: view.timeLeft?.isOverdue ?? false,
    outcome: {
      metAt: iso(o.metAt),
      metHow: o.metHow,
      metReference: o.metReference,
      evidenceNote: o.evidenceNote,
      notRequiredReason: o.notRequiredReason,
      lateReasons: o.lateReasons,
    },
    appliedAt: o.appliedAt.toISOString(),
    appliedBy: o.appliedBy,
    reappliedAt: iso(o.reappliedAt),
    isPackChanged: view.isPackChanged,
    links: { self, status: `${self}/status`, incident: incidentPath(reference) },
  };
}

function serializeClockEvent(event: ClockEventView, recorded: RecordedEvent[]): z.output<typeof clockEvent> {
  const row = event.source === "recorded" ? recorded.find((r) => r.code === event.code) : undefined;
  const isFact = event.source === "incident";
  return {
    code: event.code,
    label: labelOfTrigger(event.code),
    at: event.at.toISOString(),
    zone: event.zone,
    note: event.note,
    source: isFact ? "incident" : "clock_event",
    fact: isFact ? factOf(event.code) : null,
    recordedAt: iso(row?.recordedAt),
    recordedBy: row?.recordedBy ?? null,
  };
}

/**
 * The incident's obligations (most urgent first) and the events that drive its clocks, as the
 * API shows them, computed at the clock's now.
 */
export async function loadApiObligations(deps: Deps, reference: string) {
  const incident = await loadIncident(deps.db.prisma, reference);
  const facts = await loadDeadlineFacts(deps, incident.id, false);
  const events = effectiveClockEvents(incident, facts.recorded);
  const now = deps.clock.now();
  const views = sortByUrgency(
    facts.obligations.map((o) => describeObligation(o, events, now, incident.timeZone)),
    now,
  );
  return {
    incident,
    obligations: views.map((view) => serializeObligation(incident.reference, view, events)),
    clockEvents: events.map((event) => serializeClockEvent(event, facts.recorded)),
  };
}

/** One obligation of the incident, named by its rule id (any letter case) or its id; 404 otherwise. */
export async function loadApiObligation(deps: Deps, reference: string, key: string) {
  const { incident, obligations } = await loadApiObligations(deps, reference);
  const found = obligations.find((o) => o.rule.toUpperCase() === key.toUpperCase()) ?? obligations.find((o) => o.id === key);
  if (!found) {
    throw new AppError(
      "not_found",
      `${incident.reference} has no obligation ${key}. GET its obligations to see the rules applied.`,
    );
  }
  return { incident, obligation: found };
}
