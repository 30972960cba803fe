// What the campaigns module tells the modules that follow an incident's work (docs/decisions/0008):
// it imports none of them. Emitted inside the transaction of every campaign transition (start,
// complete, pause, cancel, ...), after its audit entry; the handlers registered in
// src/incident-events.ts run in it (the incident proposes notifying; obligations to tell the
// people close when coverage is complete).
import Emittery from "emittery";
import type { Database, DbOrTx } from "../../db/client.js";
import type { Clock } from "../../lib/clock.js";
import type { Actor } from "../audit/index.js";
import type { CampaignAction } from "./campaign-lifecycle.policy.js";

export interface CampaignEventMap {
  "campaign.transitioned": {
    deps: { db: Database; clock: Clock };
    tx: DbOrTx;
    campaign: { id: string; name: string; incidentId: string };
    action: CampaignAction;
    /** The status it moved to. */
    to: string;
    actor: Actor;
  };
}

/** The campaigns module's events; emit with emitSerial inside the transaction. */
export const campaignEvents = new Emittery<CampaignEventMap>();
