// What the deadlines section, the deadlines page and the dashboard show: each obligation's
// deadline computed from its copied terms, with time left, both zones and its sources.
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident, Obligation } from "../../generated/sqlite/client.js";
import { formatInZone } from "../../lib/instants.js";
import { loadDecisionFacts } from "../assessments/index.js";
import { findRule } from "../deadlines/index.js";
import { type IncidentReader, readableIncidentsWhere } from "../incidents/index.js";
import {
  describeClockStart,
  describeWaitingFor,
  type EffectiveClockEvent,
  effectiveClockEvents,
  labelOfTrigger,
} from "./clock-events.policy.js";
import { DELAY_KIND_LABELS, delaysOf } from "./deadline-delay.policy.js";
import { deadlineOfObligation, delayRulesOf, termsOf } from "./obligation-deadline.policy.js";
import {
  compareUrgency,
  describeTimeLeft,
  type ObligationStatus,
  OUTSTANDING_STATUSES,
  obligationStatusLabels,
} from "./obligation-urgency.policy.js";
import {
  countPeopleByPlace,
  latestDecisionRegimes,
  latestPeopleCount,
  listClockEvents,
  listClockEventsOf,
  listDueOutstandingObligations,
  listIncidentClockFields,
  listObligationsOfIncident,
  listOutstandingObligations,
} from "./obligations.repository.js";
import type { DeadlinesFilter } from "./obligations.schemas.js";
import { copyTerms } from "./obligations.service.js";

/**
 * What the deadlines section reads of an incident: its recorded clock events, its decisions (the
 * facts that start clocks besides the incident's own instants: pass them to effectiveClockEvents
 * with the incident), its obligations, the regimes of its latest decision, its latest count of
 * people, and for managers (who get the rule suggestions) where its people are.
 */
export async function loadDeadlineFacts(deps: Deps, incidentId: string, withPeoplePlaces: boolean) {
  const db = deps.db.prisma;
  const [recorded, decisionsOf, obligations, regimes, peopleCount, peoplePlaces] = await Promise.all([
    listClockEvents(db, incidentId),
    loadDecisionFacts(db, [incidentId]),
    listObligationsOfIncident(db, incidentId),
    latestDecisionRegimes(db, incidentId),
    latestPeopleCount(db, incidentId),
    withPeoplePlaces ? countPeopleByPlace(db, incidentId) : [],
  ]);
  return { recorded, decisions: decisionsOf.get(incidentId) ?? [], obligations, regimes, peopleCount, peoplePlaces };
}

/**
 * An obligation as the pages show it, at `now`, for a viewer in `viewerZone`; with the incident's
 * reference, startedBy links to the fact (or the override) that started its clock.
 */
export function describeObligation(
  obligation: Obligation,
  events: EffectiveClockEvent[],
  now: Date,
  viewerZone: string,
  reference: string | null = null,
) {
  const rule = termsOf(obligation);
  const deadline = deadlineOfObligation(obligation, events);
  const computed = deadline.isWaiting ? null : deadline;
  const urgentAt = computed ? (computed.dueAt ?? computed.targetAt ?? null) : null;
  // A rule that sets no deadline (a declaration) is information: never pending, never waiting.
  const isInformation = rule.deadline.kind === "none";
  const isOutstanding = !isInformation && OUTSTANDING_STATUSES.includes(obligation.status as ObligationStatus);
  const current = findRule(obligation.ruleId);
  const isMetLate = obligation.status === "met" && obligation.lateReasons !== "";
  return {
    obligation,
    rule,
    status: obligation.status,
    statusLabel:
      isInformation && obligation.status === "pending"
        ? "For information: no deadline"
        : isMetLate
          ? "Met late"
          : (obligationStatusLabels[obligation.status as ObligationStatus] ?? obligation.status),
    isOutstanding,
    isInformation,
    waitingFor:
      deadline.isWaiting && !isInformation
        ? {
            code: deadline.waitingFor,
            label: labelOfTrigger(deadline.waitingFor),
            /** The fact that will start it ("the decision that the breach is notifiable (aware_eligible_breach)"). */
            fact: describeWaitingFor(deadline.waitingFor),
          }
        : null,
    /** What started its clock: a recorded fact (with a link to it) or an explicit clock event, an override. */
    startedBy: deadline.isWaiting ? null : describeClockStart(rule.trigger.code, events, reference),
    kind: rule.deadline.kind,
    dueAt: computed?.dueAt ?? null,
    targetAt: computed?.targetAt ?? null,
    urgentAt,
    dueInZone: computed?.dueAt ? formatInZone(computed.dueAt, obligation.zone) : null,
    dueInViewerZone: computed?.dueAt && viewerZone !== obligation.zone ? formatInZone(computed.dueAt, viewerZone) : null,
    targetInZone: computed?.targetAt ? formatInZone(computed.targetAt, obligation.zone) : null,
    extendsTo: computed?.extendsTo ?? null,
    extendsToInZone: computed?.extendsTo ? formatInZone(computed.extendsTo, obligation.zone) : null,
    extendsBecause: rule.rollForward.note ?? "a last day on a weekend or public holiday may move to the next business day",
    basis: computed?.basis ?? null,
    standard: "standard" in rule.deadline ? rule.deadline.standard : null,
    /** How the law counts, where the pack says more (e.g. the SEC's EDGAR cut-off at 17:30 Eastern). */
    countingNote: "countingNote" in rule.deadline ? rule.deadline.countingNote : null,
    timeLeft: isOutstanding && urgentAt ? describeTimeLeft(urgentAt, now) : null,
    isTimeLeftToTarget: computed?.dueAt == null && computed?.targetAt != null,
    isPackChanged: current !== undefined && copyTerms(current) !== obligation.terms,
    isNotInPack: current === undefined,
    /** What the law's delays and extensions recorded on it did (decision 0034): the original due instant beside the new one. */
    delay: computed?.delay
      ? {
          ...computed.delay,
          originalDueInZone: computed.delay.originalDueAt ? formatInZone(computed.delay.originalDueAt, obligation.zone) : null,
        }
      : null,
    delayEvents: delaysOf(obligation).map((d) => ({ ...d, label: DELAY_KIND_LABELS[d.kind] })),
    /** The delays and extensions its law allows, with their citations: none means nothing to record. */
    delayAllowances: delayRulesOf(rule).delays ?? [],
  };
}

/**
 * An incident's clocks as every page and the API should read them: the effective events (its
 * facts, decisions included, and its clock events) and its obligations described at now, most
 * urgent first, each with startedBy linking to what started it.
 */
export async function loadIncidentClocks(
  deps: Deps,
  incident: Pick<Incident, "id" | "reference" | "awareAt" | "detectedAt" | "timeZone">,
  viewerZone: string,
) {
  const now = deps.clock.now();
  const facts = await loadDeadlineFacts(deps, incident.id, false);
  const events = effectiveClockEvents({ ...incident, decisions: facts.decisions }, facts.recorded);
  const obligations = sortByUrgency(
    facts.obligations.map((o) => describeObligation(o, events, now, viewerZone, incident.reference)),
    now,
  );
  return { events, recorded: facts.recorded, obligations };
}

/** Obligations sorted by urgency: overdue first, then nearest, then waiting, then done. */
export function sortByUrgency<T extends { status: string; urgentAt: Date | null }>(items: T[], now: Date): T[] {
  return [...items].sort(compareUrgency(now));
}

/** Every outstanding obligation of the open incidents `reader` may read, filtered, most urgent first (the deadlines page). */
export async function listDeadlines(deps: Deps, reader: IncidentReader, filter: DeadlinesFilter, viewerZone: string) {
  const now = deps.clock.now();
  const obligations = await listOutstandingObligations(deps.db.prisma, readableIncidentsWhere(reader));
  const eventsOf = await loadEventsOf(deps.db.prisma, [...new Set(obligations.map((o) => o.incidentId))]);
  const views = obligations
    .map((o) => ({
      ...describeObligation(o, eventsOf.get(o.incidentId) ?? [], now, viewerZone, o.incident.reference),
      incident: o.incident,
    }))
    .filter((v) => v.isOutstanding);
  const regimes = [...new Set(views.map((v) => v.rule.regimeCode))].sort();
  const shown = views.filter(
    (v) =>
      (!filter.overdue || v.timeLeft?.isOverdue === true) &&
      (!filter.notify || v.rule.notify === filter.notify) &&
      (!filter.regime || v.rule.regimeCode === filter.regime),
  );
  return { deadlines: sortByUrgency(shown, now), regimes };
}

async function loadEventsOf(db: DbOrTx, incidentIds: string[]) {
  const [incidents, recorded, decisions] = await Promise.all([
    listIncidentClockFields(db, incidentIds),
    listClockEventsOf(db, incidentIds),
    loadDecisionFacts(db, incidentIds),
  ]);
  return new Map(
    incidents.map((i) => [
      i.id,
      effectiveClockEvents(
        { ...i, decisions: decisions.get(i.id) ?? [] },
        recorded.filter((e) => e.incidentId === i.id),
      ),
    ]),
  );
}

/**
 * The most urgent outstanding obligations with a due instant across open incidents, overdue
 * first (for the dashboard's "Needs attention"), each with its incident and time left at `now`.
 */
export async function listUrgentObligations(db: DbOrTx, reader: IncidentReader, now: Date, limit: number) {
  const rows = await listDueOutstandingObligations(db, limit, readableIncidentsWhere(reader));
  return rows.map((o) => {
    const rule = termsOf(o);
    const dueAt = o.dueAt as Date;
    return {
      id: o.id,
      ruleId: o.ruleId,
      obligation: rule.obligation,
      party: rule.party,
      incident: o.incident,
      dueAt,
      dueInZone: formatInZone(dueAt, o.zone),
      timeLeft: describeTimeLeft(dueAt, now),
    };
  });
}
