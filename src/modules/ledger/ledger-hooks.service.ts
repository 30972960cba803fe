// What the ledger tells the modules that follow the notification's progress (docs/decisions/0008):
// it imports none of them. Emitted inside the transaction that recorded the change; the handlers
// registered in the wiring place (src/incident-events.ts) run one after another in it, so an
// obligation that the change completes can be met in the same transaction.
import Emittery from "emittery";
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import type { Actor } from "../audit/index.js";

export interface LedgerEventMap {
  /**
   * People were recorded as told another way (a form, a file of letters, the API): the coverage
   * of the incident's people moved up. Read it with loadIncidentCoverage(tx, incident.id).
   */
  "ledger.people_told": {
    deps: Pick<Deps, "db" | "clock">;
    tx: DbOrTx;
    incident: Incident;
    /** How many people this recording added. */
    recorded: number;
    actor: Actor;
  };
}

/** The ledger module's events; emit with emitSerial inside the transaction. */
export const ledgerEvents = new Emittery<LedgerEventMap>();
