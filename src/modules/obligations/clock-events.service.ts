import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { formatInZone, parseInstant } from "../../lib/instants.js";
import { loadDecisionFacts } from "../assessments/index.js";
import { type Actor, recordAudit, withAudit } from "../audit/index.js";
import { loadIncident, setIncidentLocation } from "../incidents/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import { clockStartKey, effectiveClockEvents, labelOfTrigger } from "./clock-events.policy.js";
import { deadlineOfObligation, termsOf } from "./obligation-deadline.policy.js";
import { obligationEvents } from "./obligation-hooks.service.js";
import { isLocationCode, parseLocation } from "./obligation-suggestions.policy.js";
import {
  findClockEvent,
  listClockEvents,
  listObligationsOfIncident,
  updateObligation,
  upsertClockEvent,
} from "./obligations.repository.js";
import type { ClockEventInput } from "./obligations.schemas.js";

type ClockIncident = Pick<Incident, "id" | "awareAt" | "detectedAt" | "timeZone">;

/** The events that drive an incident's clocks (its facts and recorded clock events), read inside the caller's transaction. */
export async function loadEffectiveEvents(db: DbOrTx, incident: ClockIncident) {
  const [recorded, decisions] = await Promise.all([listClockEvents(db, incident.id), loadDecisionFacts(db, [incident.id])]);
  return effectiveClockEvents({ ...incident, decisions: decisions.get(incident.id) ?? [] }, recorded);
}

/**
 * Recomputes and stores dueAt and extendsTo of every obligation of the incident from its
 * copied terms and the incident's current events, in the caller's transaction; returns each
 * rule id with its due instant before and after. Call it whenever an event or the incident's
 * awareAt or detectedAt changes. Each obligation's next reminder follows (reminder-schedule.ts):
 * from `now` when the caller has a clock, else from the deadline's first slot (the sweep then
 * moves past the slots already passed, sending at most the latest).
 */
export async function recomputeObligationDeadlines(
  db: DbOrTx,
  incident: ClockIncident,
  now: Date | null = null,
): Promise<{ ruleId: string; dueAtBefore: string | null; dueAtAfter: string | null }[]> {
  const events = await loadEffectiveEvents(db, incident);
  const changes = [];
  const changed = [];
  for (const obligation of await listObligationsOfIncident(db, incident.id)) {
    const deadline = deadlineOfObligation(obligation, events);
    const dueAt = deadline.isWaiting ? null : deadline.dueAt;
    const extendsTo = deadline.isWaiting ? null : (deadline.extendsTo ?? null);
    const start = deadline.isWaiting ? null : events.find((e) => e.code === termsOf(obligation).trigger.code);
    const clockStartedAt = start?.at ?? null;
    const clockStartedBy = start ? clockStartKey(start) : "";
    const isMoved = dueAt?.getTime() !== obligation.dueAt?.getTime();
    const isStartMoved =
      clockStartedAt?.getTime() !== obligation.clockStartedAt?.getTime() || clockStartedBy !== obligation.clockStartedBy;
    if (isMoved || isStartMoved || extendsTo?.getTime() !== obligation.extendsTo?.getTime()) {
      await updateObligation(db, obligation.id, { dueAt, extendsTo, clockStartedAt, clockStartedBy });
    }
    // The clock start can move without dueAt (e.g. a fixed-date rule): the reminders follow either way.
    changed.push({
      id: obligation.id,
      status: obligation.status,
      dueAt,
      clockStartedAt,
      nextReminderAt: obligation.nextReminderAt,
      nextReminderSlot: obligation.nextReminderSlot,
    });
    changes.push({
      ruleId: obligation.ruleId,
      dueAtBefore: obligation.dueAt?.toISOString() ?? null,
      dueAtAfter: dueAt?.toISOString() ?? null,
    });
  }
  await obligationEvents.emitSerial("obligations.changed", { tx: db, obligations: changed, now });
  return changes;
}

/**
 * Records (or changes) the incident's event of a code: one per code, the instant parsed in the
 * chosen zone (daylight-saving gaps and overlaps refused), every obligation's deadline
 * recomputed, a timeline event written and the change audited, all in one transaction.
 */
export async function recordClockEvent(deps: Deps, reference: string, input: ClockEventInput, actor: Actor) {
  const { at, zone } = parseInstant(input.at, input.atZone, "at");
  if (at.getTime() > deps.clock.now().getTime()) {
    throw new AppError("validation", "A clock event cannot be in the future.", {
      at: "Enter when it happened: it cannot be later than now.",
    });
  }
  return deps.db.prisma.$transaction(async (tx) => {
    const incident = await loadIncident(tx, reference);
    const before = await findClockEvent(tx, incident.id, input.code);
    if (before && before.at.getTime() === at.getTime() && before.zone === zone && before.note === input.note) {
      throw new AppError("validation", "That is the instant already recorded.", {
        at: "This event is already recorded at that instant.",
      });
    }
    const event = await upsertClockEvent(tx, {
      id: newId(),
      incidentId: incident.id,
      code: input.code,
      at,
      zone,
      note: input.note,
      recordedAt: deps.clock.now(),
      recordedById: actor.userId,
      recordedBy: actor.label,
    });
    const deadlines = await recomputeObligationDeadlines(tx, incident, deps.clock.now());
    const label = `${labelOfTrigger(input.code)} (${input.code})`;
    const description = before
      ? `Clock event ${label} changed from ${formatInZone(before.at, before.zone)} to ${formatInZone(at, zone)}.`
      : `Clock event ${label} recorded: ${formatInZone(at, zone)}.`;
    await recordTimelineEvent(
      deps,
      tx,
      incident,
      { occurredAt: at, occurredZone: zone, kind: "note", description, source: "lifecycle" },
      actor,
    );
    const view = (e: { code: string; at: Date; zone: string; note: string }) => ({
      incident: incident.reference,
      code: e.code,
      at: e.at.toISOString(),
      zone: e.zone,
      note: e.note,
    });
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: before ? "clock_event.change" : "clock_event.record",
        entityType: "clock_event",
        entityId: event.id,
        incidentId: incident.id,
        before: before ? view(before) : undefined,
        after: { ...view(event), deadlines },
      },
      deps.clock,
    );
    return { incident, event, isChange: before !== null };
  });
}

/** Sets the organisation's location (jurisdiction codes, e.g. "AU, AU-NSW"), audited; bad codes are refused by name. */
export async function updateIncidentLocation(deps: Deps, reference: string, location: string, actor: Actor) {
  const codes = parseLocation(location);
  const bad = codes.filter((c) => !isLocationCode(c));
  if (bad.length) {
    throw new AppError("validation", "Some fields need correcting.", {
      location: `${bad.join(", ")} ${bad.length === 1 ? "is not a jurisdiction code" : "are not jurisdiction codes"}: use codes like AU, AU-NSW, US-CA, GB, EU, NZ.`,
    });
  }
  const value = codes.join(", ");
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const incident = await loadIncident(tx, reference);
    const updated = await setIncidentLocation(tx, incident.id, value);
    return {
      result: updated,
      audit: {
        action: "incident.location",
        entityType: "incident",
        entityId: incident.id,
        incidentId: incident.id,
        before: { reference: incident.reference, location: incident.location },
        after: { reference: incident.reference, location: value },
      },
    };
  });
}
