// The breach register's one read: every incident with its record, each kind of record read for
// all the incidents at once (a query per kind, not per incident).
import type { Deps } from "../../deps.js";
import { listActionsForRegister } from "../actions/index.js";
import { loadDecisionsForRegister } from "../assessments/index.js";
import { listDataKindsForRegister } from "../data-categories/index.js";
import { type Incident, listIncidentsForRegister, listIncidentYears } from "../incidents/index.js";
import { loadCoverageOfIncidents } from "../ledger/index.js";
import { listMetRegulatorObligations } from "../obligations/index.js";
import { listSubmittedStatements } from "../statements/index.js";
import { listSystemsForRegister } from "../systems/index.js";
import type { RegisterFilter } from "./register.schemas.js";
import { incidentReaderOf, type RegisterReader } from "./register-access.policy.js";
import { buildRegisterEntries, type RegisterEntry, withheldEntryOf } from "./register-entry.policy.js";

/**
 * Incidents per batch of reads: each kind's query names this many ids at most, well inside
 * SQLite's and PostgreSQL's limits on bound values, so a register of any size reads in
 * (incidents / 500) rounds of one query per kind.
 */
const BATCH = 500;

/** The entries of a batch of incidents: one query per kind of record for the whole batch. */
async function entriesOf(deps: Deps, incidents: Incident[]): Promise<RegisterEntry[]> {
  const db = deps.db.prisma;
  const ids = incidents.map((i) => i.id);
  const [dataKinds, systems, actions, judged, statements, metObligations, coverage] = await Promise.all([
    listDataKindsForRegister(db, ids),
    listSystemsForRegister(db, ids),
    listActionsForRegister(db, ids),
    loadDecisionsForRegister(db, ids),
    listSubmittedStatements(db, ids),
    listMetRegulatorObligations(db, ids),
    loadCoverageOfIncidents(db, ids),
  ]);
  return buildRegisterEntries(incidents, { dataKinds, systems, actions, ...judged, statements, metObligations, coverage });
}

/**
 * The breach register as `reader` may see it: every incident they may read (decision 0030) of the filter's year and status
 * (all when not given), closed as not notifiable included, the newest reference first, each with
 * its facts, effects, remedial actions, decision and the notifications made. The one function
 * the page, the CSV and the API read the register through.
 */
export async function listRegister(deps: Deps, reader: RegisterReader, filter: RegisterFilter): Promise<RegisterEntry[]> {
  const readerAsIncidents = incidentReaderOf(reader);
  const visible = await listIncidentsForRegister(deps.db.prisma, filter, readerAsIncidents);
  const entries: RegisterEntry[] = [];
  for (let i = 0; i < visible.length; i += BATCH) entries.push(...(await entriesOf(deps, visible.slice(i, i + BATCH))));
  if (deps.config.REGISTER_RESTRICTED !== "line" || readerAsIncidents.role === "admin") return entries;
  // REGISTER_RESTRICTED=line: the incidents left out come back as lines without details, in
  // the register's order (the newest reference first), so its count stays whole.
  const all = await listIncidentsForRegister(deps.db.prisma, filter, { id: "", role: "admin" });
  const byId = new Map(entries.map((e) => [e.incident.id, e]));
  return all.map((incident) => byId.get(incident.id) ?? withheldEntryOf(incident));
}

/** The years the register's filter offers: those of the incidents' references, the newest first. */
export function listRegisterYears(deps: Deps, reader: RegisterReader): Promise<number[]> {
  return listIncidentYears(deps.db.prisma, incidentReaderOf(reader));
}
