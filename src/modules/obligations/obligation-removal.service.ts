import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, withAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import { deleteObligation, findObligation } from "./obligations.repository.js";
import { termsVersion } from "./obligations.service.js";

/**
 * Removes a rule applied to an incident by mistake: the obligation row goes (its pending
 * reminders find nothing and send nothing), the audit entry keeps what it was. A met
 * obligation is refused: its outcome is evidence, so it is set back to pending first.
 */
export async function removeObligation(deps: Deps, reference: string, obligationId: string, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const incident = await loadIncident(tx, reference);
    const obligation = await findObligation(tx, incident.id, obligationId);
    if (!obligation) throw new AppError("not_found", `${incident.reference} has no such obligation.`);
    if (obligation.status === "met") {
      throw new AppError(
        "conflict",
        `${obligation.ruleId} is marked met, and its outcome is evidence: set it back to pending first if it was applied by mistake.`,
      );
    }
    await deleteObligation(tx, obligation.id);
    return {
      result: { incident, obligation },
      audit: {
        action: "obligation.remove",
        entityType: "obligation",
        entityId: obligation.id,
        incidentId: incident.id,
        before: {
          incident: incident.reference,
          ruleId: obligation.ruleId,
          status: obligation.status,
          dueAt: obligation.dueAt?.toISOString() ?? null,
          termsVersion: termsVersion(obligation.terms),
        },
      },
    };
  });
}
