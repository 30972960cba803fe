import type { Deps } from "../../deps.js";
import type { Incident, Obligation } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId, sha256 } from "../../lib/ids.js";
import { formatInZone, parseInstant } from "../../lib/instants.js";
import { type Actor, recordAudit, withAudit } from "../audit/index.js";
import { findRule, type Rule, rulePack } from "../deadlines/index.js";
import { loadIncident } from "../incidents/index.js";
import { clockStartKey } from "./clock-events.policy.js";
import { loadEffectiveEvents } from "./clock-events.service.js";
import { proposeClosureWhenDone } from "./obligation-closing.service.js";
import { deadlineOfObligation, termsOf } from "./obligation-deadline.policy.js";
import { obligationEvents } from "./obligation-hooks.service.js";
import { chooseObligationZone } from "./obligation-zone.policy.js";
import { findObligation, insertObligation, listObligationsOfIncident, updateObligation } from "./obligations.repository.js";
import type { ApplyInput, StatusInput } from "./obligations.schemas.js";

/** A short fingerprint of copied terms: tells whether an obligation's terms equal the pack's rule today. */
export function termsVersion(terms: string): string {
  return sha256(terms).slice(0, 12);
}

/** The rule's terms as they are copied onto an incident. */
export function copyTerms(rule: Rule): string {
  return JSON.stringify(rule);
}

async function requireObligation(tx: Parameters<typeof loadIncident>[0], reference: string, id: string) {
  const incident = await loadIncident(tx, reference);
  const obligation = await findObligation(tx, incident.id, id);
  if (!obligation) throw new AppError("not_found", `${incident.reference} has no such obligation.`);
  return { incident, obligation };
}

/** The stored deadline fields of terms in a zone from the incident's events, and what started its clock. */
async function dueFields(
  tx: Parameters<typeof loadIncident>[0],
  incident: Incident,
  obligation: { terms: string; zone: string },
) {
  const events = await loadEffectiveEvents(tx, incident);
  const deadline = deadlineOfObligation(obligation, events);
  if (deadline.isWaiting) return { dueAt: null, extendsTo: null, clockStartedAt: null, clockStartedBy: "" };
  const start = events.find((e) => e.code === termsOf(obligation).trigger.code);
  return {
    dueAt: deadline.dueAt,
    extendsTo: deadline.extendsTo ?? null,
    clockStartedAt: deadline.startedAt,
    clockStartedBy: start ? clockStartKey(start) : "",
  };
}

/** Tells the modules above (the reminders) that obligations changed, in the caller's transaction. */
function announce(tx: Parameters<typeof loadIncident>[0], rows: Obligation[], now: Date | null) {
  const obligations = rows.map((o) => ({
    id: o.id,
    status: o.status,
    dueAt: o.dueAt,
    clockStartedAt: o.clockStartedAt,
    nextReminderAt: o.nextReminderAt,
    nextReminderSlot: o.nextReminderSlot,
  }));
  return obligationEvents.emitSerial("obligations.changed", { tx, obligations, now });
}

/** The rule ids the apply form asked for, each checked against the pack and the incident. */
function chosenRules(input: ApplyInput, appliedIds: Set<string>): Rule[] {
  const fieldErrors: Record<string, string> = {};
  const rules = new Map<string, Rule>();
  const take = (id: string, field: string) => {
    const rule = findRule(id);
    if (!rule) fieldErrors[field] ??= `There is no rule "${id}" in the rule pack.`;
    else if (appliedIds.has(id)) fieldErrors[field] ??= `${id} is already applied to this incident.`;
    else rules.set(id, rule);
  };
  for (const id of input.ruleIds) take(id, "ruleIds");
  if (input.extraRuleId) take(input.extraRuleId, "extraRuleId");
  if (input.browseRuleId) take(input.browseRuleId, "browseRuleId");
  if (rules.size === 0 && Object.keys(fieldErrors).length === 0) fieldErrors.ruleIds = "Choose at least one rule to apply.";
  // Alternatives (Japan's two final reports) are one choice (decision 0032).
  const byGroup = new Map<string, string>();
  for (const id of [...appliedIds, ...rules.keys()]) {
    const group = findRule(id)?.applicability?.alternatives;
    const other = group ? byGroup.get(group) : undefined;
    if (group && other && rules.has(id) && !fieldErrors.ruleIds)
      fieldErrors.ruleIds = `${other} and ${id} are alternatives: only one of them applies, so choose one.`;
    else if (group) byGroup.set(group, id);
  }
  if (Object.keys(fieldErrors).length) throw new AppError("validation", "Some fields need correcting.", fieldErrors);
  return [...rules.values()];
}

/**
 * Applies rules to an incident: each rule's terms are copied (so a later pack update does not
 * move the deadline), its zone chosen (the incident's when it lies in the rule's jurisdiction),
 * its deadline computed from the current events, and each application audited, in one transaction.
 */
export async function applyObligations(deps: Deps, reference: string, input: ApplyInput, actor: Actor) {
  return deps.db.prisma.$transaction(async (tx) => {
    const incident = await loadIncident(tx, reference);
    const existing = await listObligationsOfIncident(tx, incident.id);
    const rules = chosenRules(input, new Set(existing.map((o) => o.ruleId)));
    const applied: Obligation[] = [];
    for (const rule of rules) {
      const terms = copyTerms(rule);
      const { zone, reason } = chooseObligationZone(rule, incident.timeZone);
      const due = await dueFields(tx, incident, { terms, zone });
      const obligation = await insertObligation(tx, {
        id: newId(),
        incidentId: incident.id,
        ruleId: rule.id,
        terms,
        zone,
        ...due,
        appliedAt: deps.clock.now(),
        appliedById: actor.userId,
        appliedBy: actor.label,
      });
      applied.push(obligation);
      const after = {
        incident: incident.reference,
        ruleId: rule.id,
        zone,
        zoneReason: reason,
        dueAt: obligation.dueAt,
        packVersion: rulePack.version,
        termsVersion: termsVersion(terms),
      };
      await recordAudit(
        deps.db,
        tx,
        actor,
        { action: "obligation.apply", entityType: "obligation", entityId: obligation.id, incidentId: incident.id, after },
        deps.clock,
      );
    }
    await announce(tx, applied, deps.clock.now());
    return { incident, applied };
  });
}

/** What re-applying an obligation would change: the current rule, and whether its terms differ from the copied ones. */
export async function previewReapply(deps: Deps, reference: string, obligationId: string) {
  const { incident, obligation } = await requireObligation(deps.db.prisma, reference, obligationId);
  const rule = findRule(obligation.ruleId);
  const current = rule ? copyTerms(rule) : null;
  const events = await loadEffectiveEvents(deps.db.prisma, incident);
  const zone = rule ? chooseObligationZone(rule, incident.timeZone).zone : obligation.zone;
  const next = current ? deadlineOfObligation({ terms: current, zone }, events) : null;
  return {
    incident,
    obligation,
    rule: termsOf(obligation),
    isInPack: rule !== undefined,
    isSame: current === obligation.terms && zone === obligation.zone,
    dueAtAfter: next && !next.isWaiting ? next.dueAt : null,
    zoneAfter: zone,
    packVersion: rulePack.version,
  };
}

/**
 * Re-applies an obligation: copies the pack's current rule over the old terms, recomputes the
 * deadline and audits the before/after due instant and terms version. The only way a pack
 * update reaches an obligation already applied.
 */
export async function reapplyObligation(deps: Deps, reference: string, obligationId: string, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const { incident, obligation } = await requireObligation(tx, reference, obligationId);
    const rule = findRule(obligation.ruleId);
    if (!rule) throw new AppError("conflict", `The rule pack no longer has ${obligation.ruleId}: the copied terms stay.`);
    const terms = copyTerms(rule);
    const { zone } = chooseObligationZone(rule, incident.timeZone);
    const due = await dueFields(tx, incident, { terms, zone });
    const updated = await updateObligation(tx, obligation.id, { terms, zone, ...due, reappliedAt: deps.clock.now() });
    await announce(tx, [updated], deps.clock.now());
    const view = (o: Obligation) => ({
      ruleId: o.ruleId,
      zone: o.zone,
      dueAt: o.dueAt,
      extendsTo: o.extendsTo,
      termsVersion: termsVersion(o.terms),
    });
    return {
      result: { incident, obligation: updated },
      audit: {
        action: "obligation.reapply",
        entityType: "obligation",
        entityId: obligation.id,
        incidentId: incident.id,
        before: { incident: incident.reference, ...view(obligation) },
        after: { incident: incident.reference, ...view(updated), packVersion: rulePack.version },
      },
    };
  });
}

const required = (field: string, message: string) =>
  new AppError("validation", "Some fields need correcting.", { [field]: message });

/** The stored outcome fields for a status, refusing what a status needs and lacks. */
function outcomeFields(input: StatusInput, obligation: Obligation, now: Date) {
  const cleared = { metAt: null, metHow: "", metReference: "", evidenceNote: "", notRequiredReason: "", lateReasons: "" };
  if (input.status === "pending") return { ...cleared, status: "pending" };
  if (input.status === "not_required") {
    if (!input.notRequiredReason) throw required("notRequiredReason", "Say why this obligation does not apply.");
    return { ...cleared, status: "not_required", notRequiredReason: input.notRequiredReason };
  }
  if (input.status === "late") {
    if (!input.lateReasons) throw required("lateReasons", "Give the reasons for the delay (GDPR Art. 33(1) requires them).");
    return { ...cleared, status: "late", lateReasons: input.lateReasons, evidenceNote: input.evidenceNote };
  }
  const errors: Record<string, string> = {};
  let metAt: Date | null = null;
  try {
    metAt = parseInstant(input.metAt, input.metAtZone, "metAt").at;
    if (metAt.getTime() > now.getTime()) errors.metAt = "Enter when it was done: it cannot be later than now.";
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    Object.assign(errors, error.fieldErrors);
  }
  if (!input.metHow) errors.metHow = "Say how it was met, e.g. the regulator's online form or a letter to each person.";
  const isAfterDue = metAt !== null && obligation.dueAt !== null && metAt.getTime() > obligation.dueAt.getTime();
  if (isAfterDue && !input.lateReasons) {
    errors.lateReasons = `It was met after the deadline (${formatInZone(obligation.dueAt as Date, obligation.zone)}): give the reasons for the delay.`;
  }
  if (Object.keys(errors).length) throw new AppError("validation", "Some fields need correcting.", errors);
  return {
    status: "met",
    metAt,
    metHow: input.metHow,
    metReference: input.metReference,
    evidenceNote: input.evidenceNote,
    notRequiredReason: "",
    lateReasons: input.lateReasons,
  };
}

/** What the audit log keeps of an obligation's outcome. */
function outcomeView(o: Obligation) {
  return {
    ruleId: o.ruleId,
    status: o.status,
    metAt: o.metAt?.toISOString() ?? null,
    metHow: o.metHow,
    metReference: o.metReference,
    evidenceNote: o.evidenceNote,
    notRequiredReason: o.notRequiredReason,
    lateReasons: o.lateReasons,
    metBy: o.metBy,
    isAutoCloseHeld: o.isAutoCloseHeld,
  };
}

/**
 * Records an obligation's outcome: met (when, how, reference, evidence; reasons required when
 * after the deadline), not required (why), late (the reasons for the delay) or back to pending;
 * refused per field when something required is missing; audited with before and after.
 */
export async function changeObligationStatus(
  deps: Deps,
  reference: string,
  obligationId: string,
  input: StatusInput,
  actor: Actor,
) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const { incident, obligation } = await requireObligation(tx, reference, obligationId);
    const now = deps.clock.now();
    // A person's outcome replaces the work's; setting an automatic one back to pending undoes it
    // and holds the obligation open: the work no longer closes it.
    const isUndo = obligation.metBy !== "" && input.status === "pending";
    const outcome = {
      ...outcomeFields(input, obligation, now),
      metBy: "",
      isAutoCloseHeld: obligation.isAutoCloseHeld || isUndo,
    };
    const updated = await updateObligation(tx, obligation.id, outcome);
    if (updated.status === "met" || updated.status === "not_required") await proposeClosureWhenDone(deps, tx, incident, actor);
    // Back to pending: reminders resume from now; any other status: none is left.
    await announce(tx, [updated], now);
    return {
      result: { incident, obligation: updated },
      audit: {
        action: "obligation.status",
        entityType: "obligation",
        entityId: obligation.id,
        incidentId: incident.id,
        before: { incident: incident.reference, ...outcomeView(obligation) },
        after: { incident: incident.reference, ...outcomeView(updated) },
      },
    };
  });
}

/** The incident and obligation of the outcome form. */
export async function loadObligationForm(deps: Deps, reference: string, obligationId: string) {
  const { incident, obligation } = await requireObligation(deps.db.prisma, reference, obligationId);
  return { incident, obligation, rule: termsOf(obligation) };
}
