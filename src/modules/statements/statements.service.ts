// Regulator statements (issue 14, item 1): drafted from the record for an applied regulator rule
// (or any regulator rule of the pack), edited as versions (every save kept, audited, on the
// timeline), and marked submitted, which closes the obligation (obligations' closeByStatement).
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { findRule, type Rule } from "../deadlines/index.js";
import { loadIncident } from "../incidents/index.js";
import { termsOf } from "../obligations/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import { draftStatement, keepFields, missingItems, type StatementFields } from "./statement-draft.policy.js";
import { loadStatementRecord } from "./statement-record.service.js";
import { followsRuleOf } from "./statement-regimes.policy.js";
import {
  findObligationOfRule,
  findStatement,
  findStatementOfRule,
  insertNextVersion,
  insertStatement,
  listVersions,
} from "./statements.repository.js";
import type { SaveStatementInput } from "./statements.schemas.js";

/** The rule a statement answers: the obligation's copied terms when applied, else the pack's rule. */
export async function statementRuleOf(
  db: DbOrTx,
  incidentId: string,
  ruleId: string,
): Promise<{ rule: Rule; dueAt: Date | null; isApplied: boolean }> {
  const obligation = await findObligationOfRule(db, incidentId, ruleId);
  if (obligation) return { rule: termsOf(obligation) as Rule, dueAt: obligation.dueAt, isApplied: true };
  const rule = findRule(ruleId);
  if (!rule)
    throw new AppError("validation", `There is no rule ${ruleId} in the rule pack.`, {
      rule: `${ruleId} is not a rule id: use one like AU-NDB-oaic.`,
    });
  return { rule, dueAt: null, isApplied: false };
}

const parse = (json: string) => JSON.parse(json) as unknown;
export const fieldsOf = (version: { fields: string }) => parse(version.fields) as StatementFields;

/** Writes a statement's event on the incident's timeline, as the lifecycle does. */
function onTimeline(deps: Deps, tx: DbOrTx, incident: Incident, description: string, actor: Actor, at?: Date, zone?: string) {
  return recordTimelineEvent(
    deps,
    tx,
    incident,
    {
      occurredAt: at ?? deps.clock.now(),
      occurredZone: zone ?? incident.timeZone,
      kind: "communication",
      description,
      source: "lifecycle",
    },
    actor,
  );
}

/**
 * Drafts the statement of a regulator rule from the incident's record: its first version, with
 * the missing items named, audited (statement.create) and on the timeline. When the incident has
 * one for the rule already, it is returned as it is (isNew false): a statement is drafted once,
 * then edited.
 */
export async function createStatement(deps: Deps, reference: string, ruleId: string, actor: Actor) {
  const incident = await loadIncident(deps.db.prisma, reference);
  const existing = await findStatementOfRule(deps.db.prisma, incident.id, ruleId);
  if (existing) return { ...(await loadStatement(deps, reference, existing.id)), isNew: false };
  const { rule, dueAt } = await statementRuleOf(deps.db.prisma, incident.id, ruleId);
  if (rule.notify !== "regulator") {
    throw new AppError("validation", `${rule.id} does not tell a regulator: a statement is for a regulator rule.`, {
      rule: `${rule.id} tells ${rule.notify}; choose a rule that tells a regulator.`,
    });
  }
  const record = await loadStatementRecord(deps, deps.db.prisma, incident, dueAt);
  const followsRule = followsRuleOf(rule.id);
  const earlier = followsRule ? await findStatementOfRule(deps.db.prisma, incident.id, followsRule) : null;
  const carried = earlier ? fieldsOf((await listVersions(deps.db.prisma, earlier.id))[0]!) : {};
  const fields = draftStatement(rule, record, carried);
  const missing = missingItems(rule, fields, record);
  const statementId = await deps.db.prisma.$transaction(async (tx) => {
    const now = deps.clock.now();
    const { statement } = await insertStatement(
      tx,
      {
        id: newId(),
        incidentId: incident.id,
        ruleId: rule.id,
        followsId: earlier?.id ?? null,
        createdAt: now,
        createdById: actor.userId,
        createdBy: actor.label,
      },
      {
        id: newId(),
        fields: JSON.stringify(fields),
        missing: JSON.stringify(missing.map((m) => m.key)),
        note: earlier ? `Drafted from the record and ${followsRule}'s statement.` : "Drafted from the record.",
        savedAt: now,
        savedById: actor.userId,
        savedBy: actor.label,
      },
    );
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "statement.create",
        entityType: "regulator_statement",
        entityId: statement.id,
        incidentId: incident.id,
        after: {
          incident: reference,
          ruleId: rule.id,
          version: 1,
          missing: missing.map((m) => m.key),
          followsId: statement.followsId,
        },
      },
      deps.clock,
    );
    await onTimeline(deps, tx, incident, `Statement to ${rule.party} (${rule.id}) drafted from the record: version 1.`, actor);
    return statement.id;
  });
  return { ...(await loadStatement(deps, reference, statementId)), isNew: true };
}

/** A statement with its versions (newest first), the one asked for (the newest by default), its items and what is missing. */
export async function loadStatement(deps: Deps, reference: string, id: string, versionNumber?: number) {
  const incident = await loadIncident(deps.db.prisma, reference);
  const statement = await findStatement(deps.db.prisma, incident.id, id);
  if (!statement) throw new AppError("not_found", `${reference} has no statement ${id}.`);
  const versions = await listVersions(deps.db.prisma, statement.id);
  const version = versionNumber === undefined ? versions[0] : versions.find((v) => v.version === versionNumber);
  if (!version) throw new AppError("not_found", `The statement has no version ${versionNumber}.`);
  const { rule, dueAt, isApplied } = await statementRuleOf(deps.db.prisma, incident.id, statement.ruleId);
  const fields = fieldsOf(version);
  const missing = missingItems(rule, fields, { dueAt, now: deps.clock.now() });
  const follows = statement.followsId ? await findStatement(deps.db.prisma, incident.id, statement.followsId) : null;
  return { incident, statement, versions, version, rule, fields, missing, isApplied, follows, dueAt };
}

/**
 * Saves the edited items as the next version (the earlier ones stay), audited (statement.save
 * with the items changed) and on the timeline. A save made from an older version than the
 * newest is refused, so an edit never silently undoes another's.
 */
export async function saveStatementVersion(deps: Deps, reference: string, id: string, input: SaveStatementInput, actor: Actor) {
  const current = await loadStatement(deps, reference, id);
  const { incident, statement, rule, version } = current;
  if (input.baseVersion !== undefined && input.baseVersion !== statement.version) {
    throw new AppError(
      "conflict",
      `Version ${statement.version} was saved after the version ${input.baseVersion} you edited: open the newest and edit it again.`,
    );
  }
  const before = fieldsOf(version);
  const fields = keepFields(rule, input.fields, before);
  const changed = Object.keys(fields).filter((k) => (before[k] ?? "") !== fields[k]);
  if (changed.length === 0 && !input.note) {
    throw new AppError("validation", "Nothing changed: this is the version already saved.", {
      fields: "Change an item before saving.",
    });
  }
  const missing = missingItems(rule, fields, { dueAt: current.dueAt, now: deps.clock.now() });
  await deps.db.prisma.$transaction(async (tx) => {
    const saved = await insertNextVersion(tx, statement, {
      id: newId(),
      statementId: statement.id,
      fields: JSON.stringify(fields),
      missing: JSON.stringify(missing.map((m) => m.key)),
      note: input.note,
      savedAt: deps.clock.now(),
      savedById: actor.userId,
      savedBy: actor.label,
    });
    if (!saved) throw new AppError("conflict", "Another version was saved at the same time: open the newest and edit it again.");
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "statement.save",
        entityType: "regulator_statement",
        entityId: statement.id,
        incidentId: incident.id,
        before: { incident: reference, ruleId: rule.id, version: version.version },
        after: {
          incident: reference,
          ruleId: rule.id,
          version: saved.version,
          changed,
          missing: missing.map((m) => m.key),
          note: input.note,
        },
      },
      deps.clock,
    );
    await onTimeline(
      deps,
      tx,
      incident,
      `Statement to ${rule.party} (${rule.id}) saved: version ${saved.version}${changed.length ? ` (${changed.length} ${changed.length === 1 ? "item" : "items"} changed)` : ""}.`,
      actor,
    );
  });
  return loadStatement(deps, reference, id);
}
