// What the incidents module, the bottom layer, tells the modules above it, and the one question it
// lets them answer (docs/decisions/0008). The incidents module imports none of them: it emits a
// typed event inside its transaction and the handlers registered in the wiring place
// (src/incident-events.ts) do their part there, awaited one after another (emitSerial), so a
// handler's failure rolls the whole change back.
import Emittery from "emittery";
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import type { Actor } from "../audit/index.js";
import type { IncidentStatus } from "./incident-lifecycle.policy.js";

/** The events of an incident, each with the transaction it happens in. */
export interface IncidentEventMap {
  /**
   * An instant that starts legal clocks (awareAt, detectedAt) changed: the obligations above
   * recompute their deadlines in the same transaction.
   */
  "incident.clock_facts_changed": { deps: Pick<Deps, "db" | "clock">; tx: DbOrTx; incident: Incident; actor: Actor };
  /** The incident moved along its lifecycle: the timeline records it in the same transaction. */
  "incident.status_changed": {
    deps: Pick<Deps, "db" | "clock">;
    tx: DbOrTx;
    incident: Incident;
    from: IncidentStatus;
    to: IncidentStatus;
    occurredAt: Date;
    occurredZone: string;
    eventKind: "containment" | "decision" | "note";
    description: string;
    actor: Actor;
  };
  /** Someone joined or left the incident's team, or its access changed: the timeline notes it. */
  "incident.team_changed": {
    deps: Pick<Deps, "db" | "clock">;
    tx: DbOrTx;
    incident: Incident;
    description: string;
    actor: Actor;
  };
}

/** The incidents module's events; emit with emitSerial inside the transaction. */
export const incidentEvents = new Emittery<IncidentEventMap>();

/** The Prisma filter of an incident's overdue actions at `now`, as the actions module defines it. */
export type OverdueActionFilter = (now: Date) => Record<string, unknown>;

let overdueActionFilter: OverdueActionFilter | null = null;

/**
 * Lets the actions module, above this one, say which of an incident's actions are overdue, for
 * the incident list's count and filter. Set once by the wiring place; the last call wins.
 */
export function useOverdueActionFilter(filter: OverdueActionFilter): void {
  overdueActionFilter = filter;
}

/** The overdue-action filter at `now`; without one wired, no action is overdue (a filter nothing matches). */
export function overdueActionsAt(now: Date): Record<string, unknown> {
  return overdueActionFilter ? overdueActionFilter(now) : { id: { in: [] } };
}
