// What the breach register (modules/register) reads of the statements to regulators: the
// versions submitted, of many incidents in one query.
import type { DbOrTx } from "../../db/client.js";
import { findRule } from "../deadlines/index.js";
import { listSubmittedVersionsOfIncidents } from "./statements.repository.js";

/** A statement version given to a regulator, as the register lists it. */
export interface SubmittedStatement {
  incidentId: string;
  statementId: string;
  ruleId: string;
  /** Who was told: the rule's party (the Australian Information Commissioner). */
  regulator: string;
  version: number;
  submittedAt: Date;
  /** The zone the instant was typed in. */
  submittedZone: string;
  /** portal | email | letter */
  how: string;
  /** The regulator's reference, or "" when none was given. */
  reference: string;
}

/** Every submitted version of the incidents' statements, in the order submitted. */
export async function listSubmittedStatements(db: DbOrTx, incidentIds: string[]): Promise<SubmittedStatement[]> {
  if (incidentIds.length === 0) return [];
  const rows = await listSubmittedVersionsOfIncidents(db, incidentIds);
  return rows.map((r) => ({
    incidentId: r.statement.incidentId,
    statementId: r.statement.id,
    ruleId: r.statement.ruleId,
    regulator: findRule(r.statement.ruleId)?.party ?? r.statement.ruleId,
    version: r.version,
    submittedAt: r.submittedAt!,
    submittedZone: r.submittedZone,
    how: r.submittedHow,
    reference: r.submittedReference,
  }));
}
