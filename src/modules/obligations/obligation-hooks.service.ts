// What the obligations module tells the modules above it (docs/decisions/0008): it imports none
// of them. Emitted inside the transaction that changed the obligations; the handlers registered
// in the wiring place (src/incident-events.ts) run one after another in it.
import Emittery from "emittery";
import type { DbOrTx } from "../../db/client.js";

/** An obligation as it is after the change, with what its reminders are scheduled from. */
export interface ChangedObligation {
  id: string;
  status: string;
  dueAt: Date | null;
  /** The instant its clock started, or null while it waits for its trigger. */
  clockStartedAt: Date | null;
  nextReminderAt: Date | null;
  nextReminderSlot: string | null;
}

export interface ObligationEventMap {
  /**
   * Obligations were applied, or their deadline, clock start or status changed: the reminders
   * reschedule. `now` is null for a caller without a clock (the reminders then start from the
   * deadline's first slot and the sweep moves past the ones passed).
   */
  "obligations.changed": { tx: DbOrTx; obligations: ChangedObligation[]; now: Date | null };
}

/** The obligations module's events; emit with emitSerial inside the transaction. */
export const obligationEvents = new Emittery<ObligationEventMap>();

/** How far the telling of an incident's people has come, as the notification ledger counts it. */
export interface PeopleCoverage {
  /** Everyone affected: the people in scope and the rejected import rows still outstanding. */
  affected: number;
  told: number;
  byEmail: number;
  anotherWay: number;
  toTellAnotherWay: number;
  beingSent: number;
  notYetAddressed: number;
  notImported: number;
  share: number | null;
  /** The share as the ledger writes it (never 100% until complete). */
  shareText: string;
  isComplete: boolean;
}

/** Reads the coverage of an incident's people, of everyone or of those living in some places. */
export type CoverageReader = (db: DbOrTx, incidentId: string, scope: { places?: string[] }) => Promise<PeopleCoverage>;

let coverageReader: CoverageReader | null = null;

/**
 * Lets the ledger, which the obligations module does not import (it sits above: decision 0008),
 * say how far the telling of the people has come. Set once by the wiring place.
 */
export function useCoverageReader(reader: CoverageReader): void {
  coverageReader = reader;
}

/** The coverage of the people in scope; without a reader wired, nobody counts as told (nothing closes). */
export function readCoverage(db: DbOrTx, incidentId: string, scope: { places?: string[] } = {}): Promise<PeopleCoverage> {
  if (coverageReader) return coverageReader(db, incidentId, scope);
  const none = { affected: 0, told: 0, byEmail: 0, anotherWay: 0, toTellAnotherWay: 0, beingSent: 0, notYetAddressed: 0 };
  return Promise.resolve({ ...none, notImported: 0, share: null, shareText: "—", isComplete: false });
}
