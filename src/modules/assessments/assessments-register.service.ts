// What the breach register (modules/register) reads of the assessments and decisions: the
// current ones of many incidents, each kind in one query.
import type { DbOrTx } from "../../db/client.js";
import { listAssessmentsOfIncidents, listDecisionsOfIncidents } from "./assessments.repository.js";

/** An incident's current notify / don't-notify decision, as the register shows it. */
export interface RegisterDecision {
  isNotifiable: boolean;
  regimes: string[];
  rationale: string;
  decidedAt: Date;
  decidedBy: string;
  /** The decisions recorded before this one (append-only: each change is a new decision). */
  earlier: number;
}

/** An incident's current risk assessment, as the register shows it. */
export interface RegisterAssessment {
  peopleCount: number | null;
  peopleCountNote: string;
  /** likely | unlikely | unknown */
  seriousHarmLikely: string;
  harmPrevented: string;
  rationale: string;
  assessedAt: Date;
  assessedBy: string;
}

const regimesOf = (json: string): string[] => {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
};

/** The current decision and assessment of each incident that has one (absent when it has none). */
export async function loadDecisionsForRegister(db: DbOrTx, incidentIds: string[]) {
  const decisions = new Map<string, RegisterDecision>();
  const assessments = new Map<string, RegisterAssessment>();
  if (incidentIds.length === 0) return { decisions, assessments };
  const [decisionRows, assessmentRows] = await Promise.all([
    listDecisionsOfIncidents(db, incidentIds),
    listAssessmentsOfIncidents(db, incidentIds),
  ]);
  for (const d of decisionRows) {
    const current = decisions.get(d.incidentId);
    if (current) current.earlier += 1;
    else
      decisions.set(d.incidentId, {
        isNotifiable: d.isNotifiable,
        regimes: regimesOf(d.regimes),
        rationale: d.rationale,
        decidedAt: d.decidedAt,
        decidedBy: d.decidedBy,
        earlier: 0,
      });
  }
  for (const { incidentId, ...a } of assessmentRows) if (!assessments.has(incidentId)) assessments.set(incidentId, a);
  return { decisions, assessments };
}
