// What the notices read of the incident's statements (issue 14, item 2): each statement's newest
// version and its newest submitted one, as the words a notice starts from and is compared with.
// The notices module sits below this one (statements use the ledger, which uses campaigns, which
// use notices), so it cannot import it: the wiring place (src/incident-events.ts) passes this
// function in (decision 0008).
import type { DbOrTx } from "../../db/client.js";
import type { StatementWords } from "../notices/index.js";
import { listStatementsOfIncident, listVersions } from "./statements.repository.js";
import { fieldsOf, statementRuleOf } from "./statements.service.js";

type Version = Awaited<ReturnType<typeof listVersions>>[number];

/** The items a notice shares with a statement, from one version; the contact is its contact point, else the entity's details. */
function wordsOf(statementId: string, ruleId: string, party: string, version: Version): StatementWords {
  const f = fieldsOf(version);
  return {
    statementId,
    ruleId,
    party,
    version: version.version,
    submittedAt: version.submittedAt,
    description: f.description ?? "",
    kindsOfInformation: f.kindsOfInformation ?? "",
    recommendedSteps: f.recommendedSteps ?? "",
    contact: (f.contactPoint ?? "").trim() || (f.entity ?? ""),
  };
}

/**
 * The incident's statements that share an item with a notice (a description, kinds, steps or a
 * contact), oldest first: each with its newest version and its newest submitted version (or null).
 */
export async function listStatementsForNotices(
  db: DbOrTx,
  incidentId: string,
): Promise<{ newest: StatementWords; submitted: StatementWords | null }[]> {
  const out: { newest: StatementWords; submitted: StatementWords | null }[] = [];
  for (const statement of await listStatementsOfIncident(db, incidentId)) {
    const versions = await listVersions(db, statement.id);
    const newest = versions[0];
    if (!newest) continue;
    const { rule } = await statementRuleOf(db, incidentId, statement.ruleId);
    const keys = Object.keys(fieldsOf(newest));
    if (!["description", "kindsOfInformation", "recommendedSteps", "entity"].some((k) => keys.includes(k))) continue;
    const submitted = versions.find((v) => v.submittedAt);
    out.push({
      newest: wordsOf(statement.id, statement.ruleId, rule.party, newest),
      submitted: submitted ? wordsOf(statement.id, statement.ruleId, rule.party, submitted) : null,
    });
  }
  return out;
}
