import type { DbOrTx } from "../../db/client.js";
import { countOutstandingRejectedRows, countOutstandingRejectedRowsOf, listOutstandingRejections } from "../people/index.js";
import { type CoverageScope, countCoverageStates, countCoverageStatesOf } from "./ledger-people.repository.js";

export type { CoverageScope };

/**
 * Coverage of an incident's affected people: who was told (their notice delivered by e-mail, or
 * recorded as told another way) of everyone affected, the rows of its imports that were rejected
 * and are still outstanding included (affected, not imported). So coverage is complete only when
 * every imported person was told and no rejected row waits to be imported or dismissed.
 */
export interface IncidentCoverage {
  /** Everyone affected: the people in scope and the outstanding rejected rows. */
  affected: number;
  /** The incident's people in scope. */
  people: number;
  /** Rejected import rows still outstanding (counted whatever the scope: who they are is unknown). */
  notImported: number;
  /** Told: e-mail delivered or another way. */
  told: number;
  byEmail: number;
  anotherWay: number;
  /** E-mail cannot reach them (no usable address, suppressed, failed, bounced): to tell another way. */
  toTellAnotherWay: number;
  /** Their latest notice is queued or being sent. */
  beingSent: number;
  /** No campaign has addressed them yet. */
  notYetAddressed: number;
  /** told / affected, or null when nobody is affected. */
  share: number | null;
  /** Everyone affected was told (and someone is affected). */
  isComplete: boolean;
}

/**
 * The coverage of an incident's people, complete or not; with a scope, of the people at risk or
 * of some places (the people an obligation concerns). Rejected rows still outstanding count as
 * affected and not told in every scope, since nobody knows where they live or their risk.
 */
export async function loadIncidentCoverage(db: DbOrTx, incidentId: string, scope: CoverageScope = {}): Promise<IncidentCoverage> {
  const [states, notImported] = await Promise.all([
    countCoverageStates(db, incidentId, scope),
    countOutstandingRejectedRows(db, incidentId),
  ]);
  return coverageOf(states, notImported);
}

/**
 * The coverage of each of several incidents' people (no scope), by incident id, in two queries
 * whatever their number: for the breach register, which lists every incident.
 */
export async function loadCoverageOfIncidents(db: DbOrTx, incidentIds: string[]): Promise<Map<string, IncidentCoverage>> {
  if (incidentIds.length === 0) return new Map();
  const [states, notImported] = await Promise.all([
    countCoverageStatesOf(db, incidentIds),
    countOutstandingRejectedRowsOf(db, incidentIds),
  ]);
  return new Map(incidentIds.map((id) => [id, coverageOf(states.get(id) ?? {}, notImported.get(id) ?? 0)]));
}

/** The coverage figures from the people's counted states and the rejected rows outstanding. */
function coverageOf(states: Partial<Record<string, number>>, notImported: number): IncidentCoverage {
  const byEmail = states.email ?? 0;
  const anotherWay = states.another_way ?? 0;
  const people = Object.values(states).reduce((a: number, b) => a + (b ?? 0), 0);
  const affected = people + notImported;
  const told = byEmail + anotherWay;
  return {
    affected,
    people,
    notImported,
    told,
    byEmail,
    anotherWay,
    toTellAnotherWay: states.to_tell ?? 0,
    beingSent: states.being_sent ?? 0,
    notYetAddressed: states.not_addressed ?? 0,
    share: affected > 0 ? told / affected : null,
    isComplete: affected > 0 && told === affected,
  };
}

/** The imports whose rejected rows are outstanding, for the summary's links. */
export function listNotImported(db: DbOrTx, incidentId: string) {
  return listOutstandingRejections(db, incidentId);
}

/**
 * A share as a percentage with one decimal, rounded down, so that 4,999 of 5,000 reads 99.9%,
 * never 100.0%: only a complete coverage reads 100%.
 */
export function formatShare(share: number | null, isComplete: boolean): string {
  if (share === null) return "—";
  if (isComplete) return "100%";
  // The small epsilon keeps a float just under an exact tenth (0.29 * 1000) from losing it.
  return `${(Math.floor(share * 1000 + 1e-9) / 10).toFixed(1)}%`;
}
