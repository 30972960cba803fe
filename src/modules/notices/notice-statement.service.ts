// The notices' side of "one source for the statement and the notice" (issue 14, item 2; the rules
// in notice-statement.policy.ts): which statements the incident has, and the check of the versions
// a campaign will send against the submitted ones. The statements module sits above this one, so
// it is read through a reader the wiring place passes in (src/incident-events.ts, decision 0008).
import type { DbOrTx } from "../../db/client.js";
import { incidentCategories } from "./notice-category-words.policy.js";
import { parseContent } from "./notice-content.policy.js";
import {
  compareWithStatement,
  type Severity,
  type StatementComparison,
  type StatementWords,
  statementSeverityOf,
} from "./notice-statement.policy.js";
import { listVersionsByIds, loadCategoryFacts } from "./notices.repository.js";

/** An incident's statements as the notices read them: each one's newest version and newest submitted one. */
export type StatementReader = (
  db: DbOrTx,
  incidentId: string,
) => Promise<{ newest: StatementWords; submitted: StatementWords | null }[]>;

let statementReader: StatementReader | null = null;

/** Lets the statements module, above this one, say what the incident's statements hold. Set once by the wiring place. */
export function useStatementReader(reader: StatementReader): void {
  statementReader = reader;
}

/** The incident's statements; none when no reader is wired (nothing to start from, nothing to compare). */
export function readIncidentStatements(db: DbOrTx, incidentId: string) {
  return statementReader ? statementReader(db, incidentId) : Promise.resolve([]);
}

/** One version compared with one submitted statement. */
export interface StatementCheck {
  language: string;
  versionNumber: number;
  statement: StatementWords;
  severity: Severity;
  comparison: StatementComparison;
}

export interface StatementAgreement {
  checks: StatementCheck[];
  /** The checks that differ where the law makes the difference stop the campaign (Australia). */
  refusals: StatementCheck[];
  /** The checks that differ where it is a warning (GDPR and the rest). */
  warnings: StatementCheck[];
}

/** The differences of checks as sentences, each naming the statement and the version. */
export function describeDisagreement(checks: StatementCheck[]): string[] {
  return checks.flatMap((c) =>
    c.comparison.differences.map(
      (d) =>
        `${c.language} version ${c.versionNumber} and the statement ${c.statement.ruleId} version ${c.statement.version}: ${d}`,
    ),
  );
}

/**
 * Compares each of the versions (by language) with each submitted statement of the incident
 * (its newest submitted version). No submitted statement: nothing to compare, nothing refused.
 */
export async function checkAgainstStatements(
  db: DbOrTx,
  incidentId: string,
  versionIds: Record<string, string>,
): Promise<StatementAgreement> {
  const submitted = (await readIncidentStatements(db, incidentId)).flatMap((s) => (s.submitted ? [s.submitted] : []));
  if (submitted.length === 0) return { checks: [], refusals: [], warnings: [] };
  const [versions, facts] = await Promise.all([
    listVersionsByIds(db, incidentId, Object.values(versionIds)),
    loadCategoryFacts(db, incidentId),
  ]);
  const categories = incidentCategories(facts.catalogue, facts.incidentCategoryIds);
  const checks: StatementCheck[] = [];
  for (const version of [...versions].sort((a, b) => a.language.localeCompare(b.language))) {
    const words = { ...parseContent(version.sections), subject: version.subject, language: version.language };
    for (const statement of submitted) {
      checks.push({
        language: version.language,
        versionNumber: version.version,
        statement,
        severity: statementSeverityOf(statement.ruleId),
        comparison: compareWithStatement(words, statement, categories),
      });
    }
  }
  const differing = checks.filter((c) => !c.comparison.isAgreed);
  return {
    checks,
    refusals: differing.filter((c) => c.severity === "refusal"),
    warnings: differing.filter((c) => c.severity === "warning"),
  };
}
