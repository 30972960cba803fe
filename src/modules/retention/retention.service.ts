import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { countKeptEvidenceFiles } from "../evidence/index.js";
import { loadIncident } from "../incidents/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import { addressHasherOf, normaliseAddress } from "./address-hash.service.js";
import { countsOf, type PurgeOptions, purgeIncident } from "./purge.service.js";
import { HASHED_PREFIX } from "./purge-batches.sql.js";
import { countWhatGoes, findNoticesTo } from "./purge-preview.repository.js";
import { saveRetention } from "./retention.repository.js";
import { loadRetentionRule } from "./retention-state.service.js";

/** The rule a manager sets: the incident's own days after closure (null: the default) and its evidence files. */
export interface RetentionRuleInput {
  daysAfterClose: number | null;
  evidenceFiles: "kept" | "with_people";
}

/** The incident and its retention rule, where it stands now. */
export async function loadRetention(deps: Deps, reference: string) {
  const incident = await loadIncident(deps.db.prisma, reference);
  const rule = await loadRetentionRule(deps.db.prisma, deps.config, incident, deps.clock.now());
  return { incident, rule, counts: rule.run ? countsOf(rule.run) : null };
}

function refuseOncePurging(rule: Awaited<ReturnType<typeof loadRetentionRule>>, reference: string) {
  if (rule.run) {
    throw new AppError(
      "conflict",
      `The people's data of ${reference} was purged (or is being purged): its retention cannot change any more.`,
    );
  }
}

/** Sets the incident's own retention (audited incident.retention_set, with the rule before and after). */
export async function setRetentionRule(deps: Deps, reference: string, input: RetentionRuleInput, actor: Actor) {
  return deps.db.prisma.$transaction(async (tx) => {
    const incident = await loadIncident(tx, reference);
    const rule = await loadRetentionRule(tx, deps.config, incident, deps.clock.now());
    refuseOncePurging(rule, incident.reference);
    await saveRetention(tx, incident.id, input, actor.userId, deps.clock.now());
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "incident.retention_set",
        entityType: "incident",
        entityId: incident.id,
        incidentId: incident.id,
        before: { incident: incident.reference, daysAfterClose: rule.daysAfterClose, evidenceFiles: rule.evidenceFiles },
        after: { incident: incident.reference, ...input, defaultDays: deps.config.RETENTION_DAYS_AFTER_CLOSE },
      },
      deps.clock,
    );
    const days = input.daysAfterClose ?? deps.config.RETENTION_DAYS_AFTER_CLOSE;
    const files = input.evidenceFiles === "with_people" ? "purged with the people's data" : "kept";
    await recordTimelineEvent(
      deps,
      tx,
      incident,
      {
        occurredAt: deps.clock.now(),
        occurredZone: incident.timeZone,
        kind: "note",
        description: `Retention set by ${actor.label}: the affected people's data is purged ${days} days after closure${input.daysAfterClose === null ? " (the default)" : ""}; evidence files ${files}.`,
        source: "lifecycle",
      },
      actor,
    );
    return incident;
  });
}

/** Sets (with its reason) or lifts a legal hold; audited incident.legal_hold_set / incident.legal_hold_lift. */
export async function setLegalHold(deps: Deps, reference: string, hold: { isHeld: boolean; reason: string }, actor: Actor) {
  return deps.db.prisma.$transaction(async (tx) => {
    const incident = await loadIncident(tx, reference);
    const rule = await loadRetentionRule(tx, deps.config, incident, deps.clock.now());
    refuseOncePurging(rule, incident.reference);
    if (hold.isHeld && hold.reason.trim() === "") {
      throw new AppError("validation", "Give the reason for the legal hold.", { reason: "Give the reason for the legal hold." });
    }
    const now = deps.clock.now();
    await saveRetention(
      tx,
      incident.id,
      hold.isHeld
        ? { isHeld: true, holdReason: hold.reason.trim(), holdSetAt: now }
        : { isHeld: false, holdReason: "", holdSetAt: null },
      actor.userId,
      now,
    );
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: hold.isHeld ? "incident.legal_hold_set" : "incident.legal_hold_lift",
        entityType: "incident",
        entityId: incident.id,
        incidentId: incident.id,
        before: { incident: incident.reference, isHeld: rule.isHeld, reason: rule.holdReason },
        after: {
          incident: incident.reference,
          isHeld: hold.isHeld,
          reason: hold.isHeld ? hold.reason.trim() : hold.reason.trim() || rule.holdReason,
        },
      },
      deps.clock,
    );
    return incident;
  });
}

/** The confirmation's facts: the rule, whether a purge may run now and why not, and what it would remove. */
export async function previewPurge(deps: Deps, reference: string) {
  const { incident, rule } = await loadRetention(deps, reference);
  const [counted, evidenceKept] = await Promise.all([
    countWhatGoes(deps.db.prisma, incident.id),
    countKeptEvidenceFiles(deps, incident.id),
  ]);
  // The evidence files go only when the incident's retention says so; otherwise they are counted as staying.
  const isEvidenceGoing = rule.evidenceFiles === "with_people";
  const goes = {
    ...counted,
    evidenceFiles: isEvidenceGoing ? evidenceKept : 0,
    evidenceFilesStaying: isEvidenceGoing ? 0 : evidenceKept,
  };
  const state = rule.state;
  const whyNot =
    state.kind === "held"
      ? `it is under a legal hold (${state.reason})`
      : state.kind === "open"
        ? "the incident is not closed"
        : state.kind === "scheduled" && !state.isDue
          ? "the purge is not due yet"
          : state.kind === "purged"
            ? "the people's data was purged already"
            : null;
  return { incident, rule, goes, canPurge: whyNot === null, whyNot };
}

/** Runs (or finishes) the incident's purge now, by hand: refused unless due (see purgeIncident). */
export async function purgeNow(
  deps: Deps,
  reference: string,
  actor: Actor,
  options: Pick<PurgeOptions, "batchSize" | "onBatch"> = {},
) {
  const incident = await loadIncident(deps.db.prisma, reference);
  const run = await purgeIncident(deps, incident, { actor, trigger: "manual", ...options });
  return { incident, run, counts: countsOf(run) };
}

/** The answer to "was this address notified?": from the deliveries' keyed hashes (or addresses before a purge). */
export interface AddressLookup {
  found: boolean;
  notifiedAt: Date | null;
  /** how: email, or the channel they were told by */
  channel: string | null;
  notices: { status: string; sentAt: Date | null; messageId: string; templateVersionId: string | null; queuedAt: Date }[];
}

export async function lookupAddress(deps: Deps, reference: string, email: string): Promise<AddressLookup> {
  const incident = await loadIncident(deps.db.prisma, reference);
  const normalized = normaliseAddress(email);
  if (!normalized || !normalized.includes("@")) {
    throw new AppError("validation", "Give an e-mail address, such as jane@example.org.", { email: "Give an e-mail address." });
  }
  const hash = addressHasherOf(deps)(normalized);
  const found = await findNoticesTo(deps.db.prisma, incident.id, normalized, hash, `${HASHED_PREFIX}${hash}`);
  const told: { at: Date; channel: string }[] = [
    ...found.deliveries.filter((d) => d.status === "sent" && d.sentAt).map((d) => ({ at: d.sentAt as Date, channel: "email" })),
    ...found.deliveries
      .filter((d) => d.status === "told_otherwise" && d.toldAt)
      .map((d) => ({ at: d.toldAt as Date, channel: d.channel })),
    ...found.told.map((t) => ({ at: t.toldAt, channel: t.channel })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    found: found.deliveries.length > 0 || found.isKnownPerson,
    notifiedAt: told[0]?.at ?? null,
    channel: told[0]?.channel ?? null,
    notices: found.deliveries.map((d) => ({
      status: d.status,
      sentAt: d.sentAt,
      messageId: d.messageId,
      templateVersionId: d.templateVersionId,
      queuedAt: d.queuedAt,
    })),
  };
}
