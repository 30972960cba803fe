// The incident's statements as the regulators page lists them: one row per regulator rule
// applied (and per statement drafted for a rule not applied), with its state.
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import type { Rule } from "../deadlines/index.js";
import { termsOf } from "../obligations/index.js";
import { missingItems } from "./statement-draft.policy.js";
import { listObligationsOfIncident, listStatementsOfIncident, listVersions } from "./statements.repository.js";
import { fieldsOf, statementRuleOf } from "./statements.service.js";

export interface StatementRow {
  ruleId: string;
  party: string;
  statement: { id: string; version: number } | null;
  /** The newest version marked submitted, or null. */
  submittedVersion: number | null;
  /** The labels of the items the law asks that the newest version leaves empty. */
  missing: string[];
}

/** One row per regulator obligation of the incident and per other statement, in the order applied. */
export async function listIncidentStatements(deps: Deps, incident: Pick<Incident, "id">): Promise<StatementRow[]> {
  const db = deps.db.prisma;
  const [obligations, statements] = await Promise.all([
    listObligationsOfIncident(db, incident.id),
    listStatementsOfIncident(db, incident.id),
  ]);
  const ruleIds = obligations.filter((o) => (termsOf(o) as Rule).notify === "regulator").map((o) => o.ruleId);
  for (const s of statements) if (!ruleIds.includes(s.ruleId)) ruleIds.push(s.ruleId);
  const rows: StatementRow[] = [];
  for (const ruleId of ruleIds) {
    const { rule, dueAt } = await statementRuleOf(db, incident.id, ruleId);
    const statement = statements.find((s) => s.ruleId === ruleId);
    if (!statement) {
      rows.push({ ruleId, party: rule.party, statement: null, submittedVersion: null, missing: [] });
      continue;
    }
    const versions = await listVersions(db, statement.id);
    const missing = missingItems(rule, fieldsOf(versions[0]!), { dueAt, now: deps.clock.now() });
    rows.push({
      ruleId,
      party: rule.party,
      statement: { id: statement.id, version: statement.version },
      submittedVersion: versions.find((v) => v.submittedAt)?.version ?? null,
      missing: missing.map((m) => m.label),
    });
  }
  return rows;
}
