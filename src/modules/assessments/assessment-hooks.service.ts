// What the assessments module tells the modules above it (docs/decisions/0008): a decision or an
// assessment recorded. Emitted inside the recording's transaction; the handlers registered in
// src/incident-events.ts (the obligations: clocks start, assessment windows close) run in it.
import Emittery from "emittery";
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Decision, Incident, RiskAssessment } from "../../generated/sqlite/client.js";
import type { Actor } from "../audit/index.js";

export interface AssessmentEventMap {
  /** A notify / don't-notify decision (and any materiality determination) was recorded. */
  "decision.recorded": { deps: Pick<Deps, "db" | "clock">; tx: DbOrTx; incident: Incident; decision: Decision; actor: Actor };
  /** A risk assessment was recorded. */
  "assessment.recorded": {
    deps: Pick<Deps, "db" | "clock">;
    tx: DbOrTx;
    incident: Incident;
    assessment: RiskAssessment;
    actor: Actor;
  };
}

/** The assessments module's events; emit with emitSerial inside the transaction. */
export const assessmentEvents = new Emittery<AssessmentEventMap>();
