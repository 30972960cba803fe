import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { parseOptionalInstant } from "../../lib/instants.js";
import { type Actor, withAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import { assessmentEvents } from "./assessment-hooks.service.js";
import {
  findDataCategoryIds,
  findLatestDecision,
  findLatestRiskAssessment,
  insertDecision,
  insertRiskAssessment,
  listDataCategoryChoices,
  listDecisions,
  listInvolvedCategoryIds,
  listRiskAssessments,
  setIncidentDecidedAt,
} from "./assessments.repository.js";
import type { AssessmentInput, DecisionInput } from "./assessments.schemas.js";

/**
 * What the incident page's assessment section shows: the incident's assessments and decisions,
 * newest first, with their stored lists parsed, the data categories to choose from and those
 * the incident involves.
 */
export async function loadAssessmentSection(deps: Deps, incidentId: string) {
  const db = deps.db.prisma;
  const [assessments, decisions, categories, involved] = await Promise.all([
    listRiskAssessments(db, incidentId),
    listDecisions(db, incidentId),
    listDataCategoryChoices(db),
    listInvolvedCategoryIds(db, incidentId),
  ]);
  return {
    assessments: assessments.map((a) => ({ ...a, categoryIds: JSON.parse(a.dataCategories) as string[] })),
    decisions: decisions.map((d) => ({ ...d, regimeList: JSON.parse(d.regimes) as string[] })),
    categories,
    categoryNames: Object.fromEntries(categories.map((c) => [c.id, c.name])),
    involvedCategoryIds: involved.map((i) => i.categoryId),
  };
}

/**
 * Records a new risk assessment. Assessments are never edited: the newest one is current and
 * the earlier ones stay as the record of how the assessment changed.
 */
export async function recordAssessment(deps: Deps, reference: string, input: AssessmentInput, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const incident = await loadIncident(tx, reference);
    const known = await findDataCategoryIds(tx, input.dataCategories);
    if (known.length !== new Set(input.dataCategories).size) {
      throw new AppError("validation", "Choose data categories from the list.", {
        dataCategories: "One of the categories does not exist.",
      });
    }
    const assessment = await insertRiskAssessment(tx, {
      id: newId(),
      incidentId: incident.id,
      ...input,
      dataCategories: JSON.stringify(input.dataCategories),
      assessedById: actor.userId,
      assessedBy: actor.label,
      assessedAt: deps.clock.now(),
    });
    // The obligations above close their assessment windows; the incident may move to assessing.
    await assessmentEvents.emitSerial("assessment.recorded", { deps, tx, incident, assessment, actor });
    return {
      result: assessment,
      audit: { action: "assessment.record", entityType: "risk_assessment", entityId: assessment.id, after: assessment },
    };
  });
}

/**
 * Records a notify / don't-notify decision. A change of mind is a new decision, never an edit;
 * the incident's decision instant follows the newest, and the timeline gets an entry.
 */
export async function recordDecision(deps: Deps, reference: string, input: DecisionInput, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const incident = await loadIncident(tx, reference);
    const now = deps.clock.now();
    const decidedAt = parseOptionalInstant(input.decidedAt, incident.timeZone, "decidedAt");
    if (decidedAt && decidedAt.at > now) {
      throw new AppError("validation", "A decision cannot be in the future.", {
        decidedAt: "Enter when the decision was taken: now or earlier.",
      });
    }
    const [previous, assessment] = await Promise.all([
      findLatestDecision(tx, incident.id),
      findLatestRiskAssessment(tx, incident.id),
    ]);
    const decision = await insertDecision(tx, {
      id: newId(),
      incidentId: incident.id,
      isNotifiable: input.isNotifiable,
      isMaterial: input.materiality ?? null,
      regimes: JSON.stringify(input.regimes),
      rationale: input.rationale,
      decidedById: actor.userId,
      decidedBy: actor.label,
      decidedAt: decidedAt?.at ?? now,
      recordedAt: now,
      assessmentId: assessment?.id ?? null,
    });
    await setIncidentDecidedAt(tx, incident.id, decision.decidedAt);
    const verdict = input.isNotifiable
      ? `notifiable${input.regimes.length ? ` under ${input.regimes.join(", ")}` : ""}`
      : "not notifiable";
    await recordTimelineEvent(
      deps,
      tx,
      incident,
      {
        occurredAt: decision.decidedAt,
        occurredZone: decidedAt?.zone ?? incident.timeZone,
        kind: "decision",
        description: `${previous ? "Decision changed" : "Decision"}: ${verdict}. ${input.rationale}`,
        source: "lifecycle",
      },
      actor,
    );
    // Clocks that start from the decision (aware_eligible_breach, determination, ...) start or stop.
    await assessmentEvents.emitSerial("decision.recorded", { deps, tx, incident, decision, actor });
    return {
      result: decision,
      audit: {
        action: previous ? "decision.change" : "decision.record",
        entityType: "decision",
        entityId: decision.id,
        before: previous ? { isNotifiable: previous.isNotifiable, regimes: JSON.parse(previous.regimes) } : undefined,
        after: decision,
      },
    };
  });
}
