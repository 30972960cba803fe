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
