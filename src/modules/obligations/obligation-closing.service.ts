// Obligations close from the work (issue 13, item 2): an assessment closes the assessment windows,
// complete coverage of the people concerned closes the obligations to tell them, a regulator
// statement marked submitted closes its obligation. Each runs inside the transaction of the work
// (the handlers of src/incident-events.ts call it), is audited (obligation.auto_met), written on
// the timeline, and can be undone by hand: setting the obligation back to pending holds it open
// (isAutoCloseHeld), and the work no longer closes it. When every obligation is done and everyone
// is told, the incident proposes to close.
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident, Obligation } from "../../generated/sqlite/client.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { proposeIncidentStatus } from "../incidents/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import {
  type AssessmentWork,
  assessmentCloses,
  assessmentOutcome,
  coverageOutcome,
  describeMetBy,
  isAssessmentRule,
  isNotifyIndividualsRule,
  isOpenToWork,
  peopleScopeOf,
  type StatementWork,
  statementOutcome,
  type WorkOutcome,
} from "./obligation-closing.policy.js";
import { termsOf } from "./obligation-deadline.policy.js";
import { obligationEvents, readCoverage } from "./obligation-hooks.service.js";
import { listObligationsOfIncident, updateObligation } from "./obligations.repository.js";

type WorkDeps = Pick<Deps, "db" | "clock">;
type WorkIncident = Pick<Incident, "id" | "reference" | "location" | "timeZone">;

/** Marks one obligation met by the work: the outcome, audited, on the timeline; its reminders stop. */
async function meetByWork(
  deps: WorkDeps,
  tx: DbOrTx,
  incident: WorkIncident,
  obligation: Obligation,
  outcome: WorkOutcome,
  actor: Actor,
): Promise<Obligation> {
  const { metBy, ...fields } = outcome;
  const updated = await updateObligation(tx, obligation.id, { status: "met", ...fields, metBy, lateReasons: "" });
  const by = describeMetBy(metBy) ?? metBy;
  await recordAudit(
    deps.db,
    tx,
    actor,
    {
      action: "obligation.auto_met",
      entityType: "obligation",
      entityId: obligation.id,
      incidentId: incident.id,
      before: { incident: incident.reference, ruleId: obligation.ruleId, status: obligation.status },
      after: {
        incident: incident.reference,
        ruleId: obligation.ruleId,
        status: "met",
        ...fields,
        metAt: fields.metAt.toISOString(),
        metBy,
      },
    },
    deps.clock,
  );
  await recordTimelineEvent(
    deps,
    tx,
    incident,
    {
      occurredAt: fields.metAt,
      occurredZone: obligation.zone,
      kind: "note",
      description: `${obligation.ruleId} (${termsOf(obligation).obligation}) met by ${by}. ${fields.evidenceNote}`,
      source: "lifecycle",
    },
    actor,
  );
  await obligationEvents.emitSerial("obligations.changed", {
    tx,
    obligations: [{ ...updated, clockStartedAt: updated.clockStartedAt }],
    now: deps.clock.now(),
  });
  return updated;
}

/**
 * An assessment recorded: each assessment-window obligation still open to the work (AU-NDB-assess,
 * SG-PDPA-assess) is met with the assessment as evidence, when the assessment concluded within
 * the window. Returns the rule ids met.
 */
export async function closeAssessmentWindows(
  deps: WorkDeps,
  tx: DbOrTx,
  incident: WorkIncident,
  assessment: AssessmentWork,
  actor: Actor,
): Promise<string[]> {
  const met: string[] = [];
  for (const obligation of await listObligationsOfIncident(tx, incident.id)) {
    if (!isOpenToWork(obligation) || !isAssessmentRule(termsOf(obligation))) continue;
    if (!assessmentCloses(obligation, assessment).closes) continue;
    await meetByWork(deps, tx, incident, obligation, assessmentOutcome(assessment), actor);
    met.push(obligation.ruleId);
  }
  if (met.length) await proposeClosureWhenDone(deps, tx, incident, actor);
  return met;
}

/**
 * The people were told (a campaign completed, letters recorded): each obligation to tell the
 * people still open to the work is met when the coverage of the people it concerns is complete
 * (the ledger's count: rejected rows still outstanding keep it incomplete). Returns the rule ids met.
 */
export async function closeByCoverage(deps: WorkDeps, tx: DbOrTx, incident: WorkIncident, actor: Actor): Promise<string[]> {
  const met: string[] = [];
  for (const obligation of await listObligationsOfIncident(tx, incident.id)) {
    const rule = termsOf(obligation);
    if (!isOpenToWork(obligation) || !isNotifyIndividualsRule(rule)) continue;
    const coverage = await readCoverage(tx, incident.id, peopleScopeOf(rule, incident.location));
    if (!coverage.isComplete) continue;
    const summary = `/incidents/${incident.reference}/ledger/summary`;
    await meetByWork(deps, tx, incident, obligation, coverageOutcome(coverage, deps.clock.now(), summary), actor);
    met.push(obligation.ruleId);
  }
  await proposeClosureWhenDone(deps, tx, incident, actor);
  return met;
}

/**
 * A regulator statement marked submitted (the regulators issue emits it): the obligation it
 * answers is met, when still open to the work. Returns whether it was met.
 */
export async function closeByStatement(
  deps: WorkDeps,
  tx: DbOrTx,
  incident: WorkIncident,
  statement: StatementWork,
  actor: Actor,
): Promise<boolean> {
  const obligation = (await listObligationsOfIncident(tx, incident.id)).find((o) => o.ruleId === statement.ruleId);
  if (!obligation || !isOpenToWork(obligation)) return false;
  await meetByWork(deps, tx, incident, obligation, statementOutcome(statement), actor);
  await proposeClosureWhenDone(deps, tx, incident, actor);
  return true;
}

/**
 * Proposes closing a notifying incident when its work is done: it has obligations, each is met
 * or not required, and everyone affected was told (or nobody is to be told: no person and no
 * obligation to tell people).
 */
export async function proposeClosureWhenDone(deps: WorkDeps, tx: DbOrTx, incident: WorkIncident, actor: Actor): Promise<boolean> {
  const obligations = await listObligationsOfIncident(tx, incident.id);
  const isDone = (o: Obligation) => o.status === "met" || o.status === "not_required" || termsOf(o).deadline.kind === "none";
  if (obligations.length === 0 || !obligations.every(isDone)) return false;
  const coverage = await readCoverage(tx, incident.id);
  const nobodyToTell = coverage.affected === 0 && !obligations.some((o) => isNotifyIndividualsRule(termsOf(o)));
  if (!coverage.isComplete && !nobodyToTell) return false;
  const because = coverage.isComplete
    ? `every obligation is met or not required, and all ${coverage.affected.toLocaleString("en")} people affected were told`
    : "every obligation is met or not required";
  return proposeIncidentStatus(deps, tx, incident.id, "closed", because, actor);
}
