// What the breach register (modules/register) reads of the systems: those of many incidents in
// one query, so the register's cost does not grow by a query per incident.
import type { DbOrTx } from "../../db/client.js";
import { listSystemsOfIncidents } from "./systems.repository.js";

/** A system as the register lists it. */
export interface RegisterSystem {
  incidentId: string;
  name: string;
  role: string;
  /** compromised | suspected | clean | rebuilt */
  status: string;
  compromiseMethod: string;
}

/** The systems of the incidents, each incident's in the order it recorded them. */
export function listSystemsForRegister(db: DbOrTx, incidentIds: string[]): Promise<RegisterSystem[]> {
  return incidentIds.length ? listSystemsOfIncidents(db, incidentIds) : Promise.resolve([]);
}
