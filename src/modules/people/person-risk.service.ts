import type { Database, DbOrTx } from "../../db/client.js";
import type { Incident } from "../../generated/sqlite/client.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { formatInZone } from "../../lib/instants.js";
import { parseInput } from "../../lib/validation.js";
import { type Actor, recordAudit, systemActor } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import { forgetPeopleCounts } from "./people-counts-cache.service.js";
import { describeRiskRule, parsePersonCategories, type RiskRuleBasis, riskUnderRule } from "./person-risk.policy.js";
import {
  applyRiskOverrides,
  findImportForRisk,
  findPersonRisk,
  findRiskRuleBasis,
  listCategoryNames,
  listIncidentCategoryIds,
  listRuleCategoryValues,
  markFileRisks,
  type RuleSubset,
  setImportRiskOverride,
  setPersonRiskOverride,
  setRuleRisk,
} from "./person-risk.repository.js";
import { overrideOf, RISK_CHOICES, riskChoiceSchema } from "./person-risk.schemas.js";

/**
 * Who is at risk: applying the incident's risk rule (person-risk.policy.ts) to its people, and
 * a manager's overrides for one person or for an import's people. Every change is audited with
 * the incident; the rule's runs are audited with how many people changed.
 */

interface RiskDeps {
  db: Database;
  clock: Clock;
}

/** What applying the rule changed. */
export interface RiskRuleOutcome {
  /** The rule's verdict by category list is applied; people set by someone else keep their value. */
  changed: number;
  basis: RiskRuleBasis | null;
}

/** Groups the people's category lists by the rule's verdict for them. */
async function verdicts(tx: DbOrTx, incidentId: string, basis: RiskRuleBasis | null, subset?: RuleSubset) {
  const [values, incidentCategories] = await Promise.all([
    listRuleCategoryValues(tx, incidentId, subset),
    listIncidentCategoryIds(tx, incidentId),
  ]);
  const byVerdict = new Map<boolean | null, (string | null)[]>();
  for (const value of values) {
    const verdict = riskUnderRule(basis, parsePersonCategories(value), incidentCategories);
    const group = byVerdict.get(verdict);
    if (group) group.push(value);
    else byVerdict.set(verdict, [value]);
  }
  return byVerdict;
}

/**
 * Sets every person's risk from the incident's current assessment and their data categories,
 * inside the caller's transaction, except people whose risk an import's file or a manager set
 * (they keep it) and people of an import still being written (its end applies the rule to
 * them). Audited as `person.risk_rule_apply` with the assessment and the count changed, with
 * why it ran ("assessment recorded", "import finished"...). Call it whenever the assessment
 * changes; running it twice changes nothing the second time.
 */
export async function applyRiskRule(
  deps: RiskDeps,
  tx: DbOrTx,
  incidentId: string,
  options: { actor?: Actor; why: string; subset?: RuleSubset },
): Promise<RiskRuleOutcome> {
  const basis = await findRiskRuleBasis(tx, incidentId);
  let changed = 0;
  for (const [verdict, values] of await verdicts(tx, incidentId, basis, options.subset)) {
    changed += await setRuleRisk(tx, incidentId, values, verdict, options.subset);
  }
  changed += await applyRiskOverrides(tx, incidentId);
  // A run for a few people is part of a change audited by its caller.
  if (!options.subset) {
    await recordAudit(
      deps.db,
      tx,
      options.actor ?? systemActor,
      {
        action: "person.risk_rule_apply",
        entityType: "incident",
        entityId: incidentId,
        incidentId,
        after: {
          why: options.why,
          seriousHarmLikely: basis?.seriousHarmLikely ?? null,
          assessedAt: basis?.assessedAt.toISOString() ?? null,
          categories: basis?.categoryIds ?? [],
          changed,
        },
      },
      deps.clock,
    );
  }
  forgetPeopleCounts(incidentId);
  return { changed, basis };
}

/**
 * After an import ends: the values its file's at-risk column gave are marked as the file's (the
 * rule leaves them alone), then the rule sets the rest of the incident's people. Its own
 * transaction; audited by the system.
 */
export async function applyRiskRuleAfterImport(deps: RiskDeps, importId: string): Promise<RiskRuleOutcome | null> {
  return deps.db.prisma.$transaction(
    async (tx) => {
      const record = await tx.personImport.findUnique({ where: { id: importId }, select: { incidentId: true, mapping: true } });
      if (!record) return null;
      if (Object.values(safeMapping(record.mapping)).includes("isAtRisk")) await markFileRisks(tx, importId);
      return applyRiskRule(deps, tx, record.incidentId, { why: `import ${importId} finished` });
    },
    // Its updates read every person the import wrote: measured in bench/import.ts, 100,000
    // people on PostgreSQL passed Prisma's default 5 s, and the completed import then failed.
    { maxWait: 10_000, timeout: 10 * 60_000 },
  );
}

function safeMapping(text: string): Record<string, string> {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

const words = (value: boolean | null) => (value === null ? "the rule's" : value ? "at risk" : "not at risk");

/**
 * A manager sets one person's risk (at risk, not at risk) or gives it back to the rule, with a
 * reason; audited as `person.risk_set` with the value before and after.
 */
export async function setPersonRisk(deps: RiskDeps, reference: string, personId: string, input: unknown, actor: Actor) {
  const form = parseInput(riskChoiceSchema, input);
  return deps.db.prisma.$transaction(async (tx) => {
    const incident = await loadIncident(tx, reference);
    const before = await findPersonRisk(tx, incident.id, personId);
    if (!before) throw new AppError("not_found", `${incident.reference} has no such person.`);
    const value = overrideOf(form.risk);
    await setPersonRiskOverride(tx, incident.id, personId, value);
    if (value === null)
      await applyRiskRule(deps, tx, incident.id, {
        actor,
        why: "person given back to the rule",
        subset: { personIds: [personId] },
      });
    else await applyRiskOverrides(tx, incident.id);
    const after = await findPersonRisk(tx, incident.id, personId);
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "person.risk_set",
        entityType: "person",
        entityId: personId,
        incidentId: incident.id,
        before: { isAtRisk: before.isAtRisk, riskSetBy: before.riskSetBy },
        after: {
          isAtRisk: after?.isAtRisk ?? null,
          riskSetBy: after?.riskSetBy ?? "",
          choice: RISK_CHOICES[form.risk],
          note: form.note,
        },
      },
      deps.clock,
    );
    forgetPeopleCounts(incident.id);
    return { incident, person: after!, choice: form.risk, message: `Their risk is now ${words(after?.isAtRisk ?? null)}.` };
  });
}

/**
 * A manager sets the risk of everyone an import last wrote (at risk, not at risk), or gives
 * them back to the rule (its file's at-risk column included); people a manager set one by one
 * keep theirs. Audited as `person_import.risk_set` with the count.
 */
export async function setImportRisk(deps: RiskDeps, reference: string, importId: string, input: unknown, actor: Actor) {
  const form = parseInput(riskChoiceSchema, input);
  return deps.db.prisma.$transaction(async (tx) => {
    const incident = await loadIncident(tx, reference);
    const record = await findImportForRisk(tx, incident.id, importId);
    if (!record) throw new AppError("not_found", `${incident.reference} has no such import.`);
    if (record.status === "running" || record.status === "cancelling" || record.status === "queued") {
      throw new AppError("conflict", `${record.fileName} is still being imported: set its people's risk once it has finished.`);
    }
    const value = overrideOf(form.risk);
    const people = await setImportRiskOverride(tx, incident.id, importId, value);
    const outcome =
      value === null
        ? await applyRiskRule(deps, tx, incident.id, {
            actor,
            why: `import ${record.fileName} given back to the rule`,
            subset: { importId },
          })
        : { changed: await applyRiskOverrides(tx, incident.id) };
    await recordAudit(
      deps.db,
      tx,
      actor,
      {
        action: "person_import.risk_set",
        entityType: "person_import",
        entityId: importId,
        incidentId: incident.id,
        after: { fileName: record.fileName, choice: RISK_CHOICES[form.risk], people, changed: outcome.changed, note: form.note },
      },
      deps.clock,
    );
    forgetPeopleCounts(incident.id);
    return { incident, fileName: record.fileName, people, choice: form.risk };
  }, RISK_TX);
}

/** The rule of an incident in words, with the assessment it reads. */
export async function describeIncidentRiskRule(db: DbOrTx, incident: Incident, viewerZone: string) {
  const [basis, names] = await Promise.all([findRiskRuleBasis(db, incident.id), listCategoryNames(db)]);
  const when = basis ? formatInZone(basis.assessedAt, viewerZone) : "";
  return { basis, text: describeRiskRule(basis, (id) => names.get(id) ?? id, when) };
}

/**
 * A change of many people's risk: an import's people may be a million rows (about 1 s a 200,000
 * on SQLite, measured), more than Prisma's default 5 s for a transaction.
 */
export const RISK_TX = { timeout: 10 * 60_000, maxWait: 10_000 };
