import type { DbOrTx } from "../../db/client.js";
import type { Prisma } from "../../generated/sqlite/client.js";

/** The incident's risk assessments, newest first: the first is the current one. */
export function listRiskAssessments(db: DbOrTx, incidentId: string) {
  return db.riskAssessment.findMany({ where: { incidentId }, orderBy: { assessedAt: "desc" } });
}

/** The incident's decisions, newest first: the first is the current one. */
export function listDecisions(db: DbOrTx, incidentId: string) {
  return db.decision.findMany({ where: { incidentId }, orderBy: { recordedAt: "desc" } });
}

/** Every data category, in the order the lists show them. */
export function listDataCategoryChoices(db: DbOrTx) {
  return db.dataCategory.findMany({ orderBy: [{ sortOrder: "asc" }, { name: "asc" }] });
}

/** The ids of the data categories the incident involves. */
export function listInvolvedCategoryIds(db: DbOrTx, incidentId: string) {
  return db.incidentDataCategory.findMany({ where: { incidentId }, select: { categoryId: true } });
}

/** Which of these data category ids exist. */
export function findDataCategoryIds(db: DbOrTx, ids: string[]) {
  return db.dataCategory.findMany({ where: { id: { in: ids } }, select: { id: true } });
}

export function insertRiskAssessment(db: DbOrTx, data: Prisma.RiskAssessmentUncheckedCreateInput) {
  return db.riskAssessment.create({ data });
}

/** The incident's current decision: its newest. */
export function findLatestDecision(db: DbOrTx, incidentId: string) {
  return db.decision.findFirst({ where: { incidentId }, orderBy: { recordedAt: "desc" } });
}

/** The incident's current risk assessment: its newest. */
export function findLatestRiskAssessment(db: DbOrTx, incidentId: string) {
  return db.riskAssessment.findFirst({ where: { incidentId }, orderBy: { assessedAt: "desc" } });
}

export function insertDecision(db: DbOrTx, data: Prisma.DecisionUncheckedCreateInput) {
  return db.decision.create({ data });
}

/** The incident's decision instant follows its newest decision. */
export function setIncidentDecidedAt(db: DbOrTx, incidentId: string, decidedAt: Date) {
  return db.incident.update({ where: { id: incidentId }, data: { decidedAt } });
}

/** The decisions of several incidents as the clocks read them (what was decided, when). */
export function listDecisionFactsOf(db: DbOrTx, incidentIds: string[]) {
  return db.decision.findMany({
    where: { incidentId: { in: incidentIds } },
    select: { id: true, incidentId: true, isNotifiable: true, isMaterial: true, decidedAt: true, recordedAt: true },
  });
}

/** The decisions of several incidents (for the breach register), each incident's newest first. */
export function listDecisionsOfIncidents(db: DbOrTx, incidentIds: string[]) {
  return db.decision.findMany({ where: { incidentId: { in: incidentIds } }, orderBy: [{ recordedAt: "desc" }, { id: "desc" }] });
}

/** The risk assessments of several incidents (for the breach register), each incident's newest first. */
export function listAssessmentsOfIncidents(db: DbOrTx, incidentIds: string[]) {
  return db.riskAssessment.findMany({
    where: { incidentId: { in: incidentIds } },
    orderBy: [{ assessedAt: "desc" }, { id: "desc" }],
    select: {
      incidentId: true,
      peopleCount: true,
      peopleCountNote: true,
      seriousHarmLikely: true,
      harmPrevented: true,
      rationale: true,
      assessedAt: true,
      assessedBy: true,
    },
  });
}
