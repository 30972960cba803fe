// What the breach register (modules/register) reads of the obligations: those to notify a
// regulator that were met, of many incidents in one query.
import type { DbOrTx } from "../../db/client.js";
import { termsOf } from "./obligation-deadline.policy.js";
import { listMetObligationsOf } from "./obligations.repository.js";

/** An obligation to notify a regulator, met, as the register lists it. */
export interface MetRegulatorObligation {
  incidentId: string;
  ruleId: string;
  /** Who was told: the copied terms' party. */
  regulator: string;
  metAt: Date | null;
  zone: string;
  /** How it was met, in the words recorded. */
  how: string;
  reference: string;
  /** The work that met it (statement:<id>, ...), or "" when a person recorded it. */
  metBy: string;
}

/** The incidents' obligations to notify a regulator that are met, in the order met. */
export async function listMetRegulatorObligations(db: DbOrTx, incidentIds: string[]): Promise<MetRegulatorObligation[]> {
  if (incidentIds.length === 0) return [];
  const rows = await listMetObligationsOf(db, incidentIds);
  return rows.flatMap((o) => {
    const rule = termsOf(o);
    if (rule.notify !== "regulator") return [];
    return [
      {
        incidentId: o.incidentId,
        ruleId: o.ruleId,
        regulator: rule.party,
        metAt: o.metAt,
        zone: o.zone,
        how: o.metHow,
        reference: o.metReference,
        metBy: o.metBy,
      },
    ];
  });
}
