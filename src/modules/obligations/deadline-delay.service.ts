import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { formatInZone, parseInstant } from "../../lib/instants.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import { loadEffectiveEvents, recomputeObligationDeadlines } from "./clock-events.service.js";
import { checkDelayRequest, DELAY_KIND_LABELS, delaysOf, type RecordedDelay } from "./deadline-delay.policy.js";
import type { DelayEventInput } from "./deadline-delay.schemas.js";
import { describeObligation } from "./deadlines-view.service.js";
import { deadlineOfObligation, delayRulesOf, termsOf } from "./obligation-deadline.policy.js";
import { findObligation, listObligationsOfIncident, updateObligation } from "./obligations.repository.js";
import { loadObligationForm } from "./obligations.service.js";

/** Which obligation: by its id (the pages) or by its rule id (the API). */
export type ObligationKey = { obligationId: string } | { ruleId: string };

const show = (at: Date | null, zone: string) => (at ? formatInZone(at, zone) : "none");

/**
 * Records a law-enforcement delay, an Attorney General determination, an extension granted or
 * the lifting of a delay on an obligation: refused unless the rule's law allows it within its
 * cap; in one transaction the event is appended, every deadline recomputed (the reminders
 * follow), a timeline event written and the change audited with the due instant before and after.
 */
export async function recordObligationDelay(
  deps: Deps,
  reference: string,
  key: ObligationKey,
  input: DelayEventInput,
  actor: Actor,
) {
  const now = deps.clock.now();
  const { at, zone } = parseInstant(input.at, input.atZone, "at");
  if (at.getTime() > now.getTime()) {
    throw new AppError("validation", "It cannot be in the future.", {
      at: "Enter when it happened: it cannot be later than now.",
    });
  }
  const until = input.until && input.kind !== "delay_lifted" ? parseInstant(input.until, input.atZone, "until").at : null;
  return deps.db.prisma.$transaction(async (tx) => {
    const incident = await loadIncident(tx, reference);
    const obligation =
      "obligationId" in key
        ? await findObligation(tx, incident.id, key.obligationId)
        : (await listObligationsOfIncident(tx, incident.id)).find((o) => o.ruleId === key.ruleId);
    if (!obligation) throw new AppError("not_found", "No such obligation on this incident.");
    const rule = termsOf(obligation);
    const standing = deadlineOfObligation(obligation, await loadEffectiveEvents(tx, incident));
    if (standing.isWaiting) {
      throw new AppError("validation", `The clock of ${rule.id} has not started: there is no deadline to delay yet.`, {
        kind: `The clock of ${rule.id} has not started.`,
      });
    }
    const request = { kind: input.kind, form: input.form, at, until };
    const isSuspended = standing.delay?.isSuspended ?? false;
    checkDelayRequest(
      { id: rule.id, ...delayRulesOf(rule) },
      delaysOf(obligation),
      request,
      { dueAt: standing.dueAt, isSuspended },
      obligation.zone,
    );
    const event: RecordedDelay = {
      id: newId(),
      kind: input.kind,
      form: input.form,
      at: at.toISOString(),
      zone,
      until: until?.toISOString() ?? null,
      agency: input.agency,
      reference: input.reference,
      evidenceUrl: input.evidenceUrl,
      note: input.note,
      recordedAt: now.toISOString(),
      recordedBy: actor.label,
    };
    await updateObligation(tx, obligation.id, { delays: JSON.stringify([...delaysOf(obligation), event]) });
    const deadlines = await recomputeObligationDeadlines(tx, incident, now);
    const after = deadlines.find((d) => d.ruleId === obligation.ruleId);
    const dueAtAfter = after?.dueAtAfter ? new Date(after.dueAtAfter) : null;
    const originalDueAt = standing.delay?.originalDueAt ?? standing.dueAt;
    const label = DELAY_KIND_LABELS[input.kind];
    const description = `${rule.id}: ${label} recorded (${input.agency}${input.reference ? `, reference ${input.reference}` : ""}); due ${dueAtAfter ? show(dueAtAfter, obligation.zone) : "none until the delay is lifted"}, originally ${show(originalDueAt, obligation.zone)}.`;
    await recordTimelineEvent(
      deps,
      tx,
      incident,
      { occurredAt: at, occurredZone: zone, kind: "note", description, source: "lifecycle" },
      actor,
    );
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "obligation.delay",
        entityType: "obligation",
        entityId: obligation.id,
        incidentId: incident.id,
        before: { incident: incident.reference, ruleId: rule.id, dueAt: standing.dueAt?.toISOString() ?? null },
        after: {
          incident: incident.reference,
          ruleId: rule.id,
          ...event,
          dueAt: dueAtAfter?.toISOString() ?? null,
          originalDueAt: originalDueAt?.toISOString() ?? null,
        },
      },
      deps.clock,
    );
    return { incident, obligation, event, dueAtBefore: standing.dueAt, dueAtAfter, originalDueAt };
  });
}

/** Everything the obligation's delays page shows: its deadline (with the original), the events recorded and what its law allows. */
export async function loadDelayPage(deps: Deps, reference: string, obligationId: string, viewerZone: string) {
  const { incident, obligation, rule } = await loadObligationForm(deps, reference, obligationId);
  const events = await loadEffectiveEvents(deps.db.prisma, incident);
  const view = describeObligation(obligation, events, deps.clock.now(), viewerZone, incident.reference);
  return { incident, obligation, rule, view };
}
