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
  labelOfTrigger,
  loadDeadlineFacts,
  sortByUrgency,
} from "../modules/obligations/index.js";
import { incidentPath } from "./api.serializers.js";
import type { clockEvent, clockFacts, obligation, startedBy } from "./api-obligations.schemas.js";

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

/** The API's name of a recorded fact (the obligations module's clock-fact key). */
const FACT_NAMES: Record<string, (typeof clockFacts)[number]> = {
  "incident.aware_at": "awareAt",
  "incident.detected_at": "detectedAt",
  "incident.detected_year_end": "detectedYearEnd",
  "decision.notifiable": "notifiableDecision",
  "decision.material": "materialityDecision",
  "statement.prepared": "statementPrepared",
};
const factName = (key: string | null) => (key ? (FACT_NAMES[key] ?? key) : null);

/** Where a clock's start came from, as the API names it: the fact used, or the clock event and the fact it overrides. */
function clockStartOf(event: Pick<ClockEventView, "source" | "fact" | "factRecordId" | "code" | "at" | "zone" | "note">) {
  const isFact = event.source === "incident";
  return {
    source: isFact ? ("fact" as const) : ("clock_event" as const),
    fact: isFact ? factName(event.fact) : null,
    overrides: isFact ? null : factName(event.fact),
    recordId: isFact && event.factRecordId ? event.factRecordId : null,
    code: event.code,
    label: labelOfTrigger(event.code),
    at: event.at.toISOString(),
    zone: event.zone,
    note: event.note,
  };
}

/** What started an obligation's clock (describeObligation's startedBy), null while the clock waits. */
function startedByOf(view: ObligationView): z.output<typeof startedBy> | null {
  const start = view.startedBy;
  if (!start) return null;
  return {
    ...clockStartOf({ ...start, factRecordId: start.key.split(":")[1] ?? "" }),
    factLabel: start.factLabel,
    link: start.href,
  };
}

function serializeObligation(reference: string, view: ObligationView): z.output<typeof obligation> {
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
    startedBy: startedByOf(view),
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
    originalDueAt: view.delay ? iso(view.delay.originalDueAt) : null,
    isDelaySuspended: view.delay?.isSuspended ?? false,
    delays: view.delayEvents.map(({ label: _label, ...d }) => d),
    links: { self, status: `${self}/status`, incident: incidentPath(reference), delays: `${self}/delays` },
  };
}

function serializeClockEvent(event: ClockEventView, recorded: RecordedEvent[]): z.output<typeof clockEvent> {
  const row = event.source === "recorded" ? recorded.find((r) => r.code === event.code) : undefined;
  return { ...clockStartOf(event), recordedAt: iso(row?.recordedAt), recordedBy: row?.recordedBy ?? null };
}

/**
 * The incident's obligations (most urgent first) and the events that drive its clocks, as the
 * API shows them, computed at the clock's now.
 */
export async function loadApiObligations(deps: Deps, reference: string) {
  const incident = await loadIncident(deps.db.prisma, reference);
  const facts = await loadDeadlineFacts(deps, incident.id, false);
  const events = effectiveClockEvents({ ...incident, decisions: facts.decisions }, facts.recorded);
  const now = deps.clock.now();
  const views = sortByUrgency(
    facts.obligations.map((o) => describeObligation(o, events, now, incident.timeZone, incident.reference)),
    now,
  );
  return {
    incident,
    obligations: views.map((view) => serializeObligation(incident.reference, view)),
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
