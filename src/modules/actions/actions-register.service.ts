// What the breach register (modules/register) reads of the remedial actions: those of many
// incidents in one query, so the register's cost does not grow by a query per incident.
import type { DbOrTx } from "../../db/client.js";
import { type ActionStatus, actionStatusLabels } from "./action-status.policy.js";
import { listActionsOfIncidents } from "./actions.repository.js";

/** A remedial action as the register lists it. */
export interface RegisterAction {
  incidentId: string;
  title: string;
  /** open | in_progress | done | cancelled */
  status: string;
  statusLabel: string;
  /** The due day, YYYY-MM-DD in the incident's zone, or null. */
  dueOn: string | null;
  completedAt: Date | null;
}

/** The remedial actions of the incidents, each incident's in the order they were added. */
export async function listActionsForRegister(db: DbOrTx, incidentIds: string[]): Promise<RegisterAction[]> {
  if (incidentIds.length === 0) return [];
  const rows = await listActionsOfIncidents(db, incidentIds);
  return rows.map((r) => ({ ...r, statusLabel: actionStatusLabels[r.status as ActionStatus] ?? r.status }));
}
