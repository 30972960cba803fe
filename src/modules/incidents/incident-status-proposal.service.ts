// The incident's status follows its work (issue 13, item 2), always as a proposal the manager sees
// and answers: the modules above propose (an assessment recorded: assessing; a campaign started:
// notifying; every obligation done and everyone told: closed), the incident keeps the proposal,
// and a manager accepts it (the transition, on the timeline and audited) or keeps the current
// status (audited). Decision recorded in docs/decisions/0012.
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, recordAudit, withAudit } from "../audit/index.js";
import { canPropose, type IncidentStatus, incidentStatuses, statusLabels } from "./incident-lifecycle.policy.js";
import { findIncidentById, findLatestDecisionOf, updateIncident } from "./incidents.repository.js";
import { loadIncident, transitionIncident } from "./incidents.service.js";

/**
 * Proposes moving the incident to `to` because of `because` (words: "a campaign started
 * (Conference attendees)"), inside the caller's transaction, audited as incident.status_propose.
 * Nothing happens when the incident is there already, the same move is proposed already, or the
 * move could not be accepted as it stands (it needs a reason, or a decision not recorded).
 */
export async function proposeIncidentStatus(
  deps: Pick<Deps, "db" | "clock">,
  tx: DbOrTx,
  incidentId: string,
  to: IncidentStatus,
  because: string,
  actor: Actor,
): Promise<boolean> {
  const incident = await findIncidentById(tx, incidentId);
  if (!incident || incident.status === to || incident.proposedStatus === to) return false;
  const latestDecision = await findLatestDecisionOf(tx, incident.id);
  if (!canPropose(incident.status as IncidentStatus, to, { latestDecision })) return false;
  await updateIncident(tx, incident.id, { proposedStatus: to, proposedBecause: because, proposedAt: deps.clock.now() });
  await recordAudit(
    deps.db,
    tx,
    actor,
    {
      action: "incident.status_propose",
      entityType: "incident",
      entityId: incident.id,
      incidentId: incident.id,
      before: { reference: incident.reference, status: incident.status, proposedStatus: incident.proposedStatus || null },
      after: { reference: incident.reference, proposedStatus: to, because },
    },
    deps.clock,
  );
  return true;
}

/** A proposal as the pages show it, or null when none is waiting. */
export function describeProposal(incident: {
  status: string;
  proposedStatus: string;
  proposedBecause: string;
  proposedAt: Date | null;
}) {
  const to = incident.proposedStatus as IncidentStatus;
  if (!to || !incidentStatuses.includes(to) || to === incident.status) return null;
  return {
    to,
    toLabel: statusLabels[to],
    fromLabel: statusLabels[incident.status as IncidentStatus] ?? incident.status,
    because: incident.proposedBecause,
    at: incident.proposedAt,
  };
}

/**
 * A manager's answer to the waiting proposal: accept moves the incident (transitionIncident: the
 * timeline and the audit say it was proposed by the work), keep clears it, audited as
 * incident.status_proposal_keep. Refused when the proposal changed since the page was shown.
 */
export async function answerStatusProposal(
  deps: Deps,
  reference: string,
  input: { answer: "accept" | "keep"; proposed: string },
  actor: Actor,
) {
  const incident = await loadIncident(deps.db.prisma, reference);
  const proposal = describeProposal(incident);
  if (!proposal || proposal.to !== input.proposed) {
    throw new AppError("conflict", `${incident.reference} has no such proposal waiting any more: the page was out of date.`);
  }
  if (input.answer === "accept") {
    const reason = `Proposed by the work: ${proposal.because}.`;
    return transitionIncident(deps, reference, { to: proposal.to, containedAt: "", reason }, actor);
  }
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const updated = await updateIncident(tx, incident.id, { proposedStatus: "", proposedBecause: "", proposedAt: null });
    return {
      result: updated,
      audit: {
        action: "incident.status_proposal_keep",
        entityType: "incident",
        entityId: incident.id,
        incidentId: incident.id,
        before: {
          reference: incident.reference,
          status: incident.status,
          proposedStatus: proposal.to,
          because: proposal.because,
        },
        after: { reference: incident.reference, status: incident.status, proposedStatus: null },
      },
    };
  });
}
