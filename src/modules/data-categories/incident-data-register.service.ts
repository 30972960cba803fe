// What the breach register (modules/register) reads of the kinds of personal data: those of
// many incidents in one query, so the register's cost does not grow by a query per incident.
import type { DbOrTx } from "../../db/client.js";
import { listIncidentDataOfIncidents } from "./data-categories.repository.js";
import { sortBySensitivity } from "./incident-data.service.js";

/** A kind of personal information an incident involves, as the register lists it. */
export interface RegisterDataKind {
  incidentId: string;
  categoryId: string;
  name: string;
  /** low | medium | high | special */
  sensitivity: string;
  details: string;
  /** yes | no | partly | unknown */
  encrypted: string;
}

/** The kinds of personal information of the incidents, each incident's most sensitive first. */
export async function listDataKindsForRegister(db: DbOrTx, incidentIds: string[]): Promise<RegisterDataKind[]> {
  if (incidentIds.length === 0) return [];
  return sortBySensitivity(await listIncidentDataOfIncidents(db, incidentIds)).map((e) => ({
    incidentId: e.incidentId,
    categoryId: e.categoryId,
    name: e.category.name,
    sensitivity: e.category.sensitivity,
    details: e.details,
    encrypted: e.encrypted,
  }));
}
