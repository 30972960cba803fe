// What other modules read of an incident's assessment and decisions, inside their transaction.
import type { DbOrTx } from "../../db/client.js";
import { listDecisionFactsOf } from "./assessments.repository.js";

/** A decision as the clocks read it: whether notifiable, whether material (null: not determined), when. */
export interface DecisionFacts {
  id: string;
  incidentId: string;
  isNotifiable: boolean;
  isMaterial: boolean | null;
  decidedAt: Date;
  recordedAt: Date;
}

/** The decisions of the incidents, by incident id (an incident without any maps to []). */
export async function loadDecisionFacts(db: DbOrTx, incidentIds: string[]): Promise<Map<string, DecisionFacts[]>> {
  const byIncident = new Map<string, DecisionFacts[]>(incidentIds.map((id) => [id, []]));
  if (incidentIds.length === 0) return byIncident;
  for (const decision of await listDecisionFactsOf(db, incidentIds)) byIncident.get(decision.incidentId)?.push(decision);
  return byIncident;
}
