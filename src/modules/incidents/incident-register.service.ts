// What the breach register (modules/register) reads of the incidents: all of them at once, not
// a page, since the register is the controller's record of every breach (GDPR Art. 33(5)).
import type { DbOrTx } from "../../db/client.js";
import { type IncidentReader, readableIncidentsWhere } from "./incident-access.service.js";
import type { IncidentStatus } from "./incident-lifecycle.policy.js";
import { type Incident, listIncidentsOfYearAndStatus, listReferenceYears } from "./incidents.repository.js";

/** Every incident of the year (of its reference) and status given, or all, the newest reference first. */
export function listIncidentsForRegister(
  db: DbOrTx,
  filter: { year?: number; status?: IncidentStatus },
  reader?: IncidentReader,
): Promise<Incident[]> {
  return listIncidentsOfYearAndStatus(db, filter, reader ? readableIncidentsWhere(reader) : {});
}

/** The years incidents were opened in (their references' years), the newest first, for a filter; those `reader` may read when given. */
export function listIncidentYears(db: DbOrTx, reader?: IncidentReader): Promise<number[]> {
  return listReferenceYears(db, reader ? readableIncidentsWhere(reader) : {});
}
