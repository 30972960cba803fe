import type { DbOrTx } from "../../db/client.js";

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
