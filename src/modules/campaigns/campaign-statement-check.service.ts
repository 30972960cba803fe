// The check before a campaign starts that its notice says what the submitted statement to the
// regulator says (issue 14, item 2; notices' notice-statement.policy.ts compares): the kinds of
// information, the recommended steps and the contact. A difference from an Australian statement
// refuses the start (Privacy Act s 26WL(3): the notice carries the statement's contents) unless a
// manager overrides it with a reason, which is audited and put on the timeline; a difference from
// any other statement (GDPR) is a warning.
import type { Database, DbOrTx } from "../../db/client.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, recordAudit } from "../audit/index.js";
import { findIncidentWithId } from "../incidents/index.js";
import { checkAgainstStatements, describeDisagreement, latestVersionIds, type StatementAgreement } from "../notices/index.js";
import { recordTimelineEvent } from "../timeline/index.js";
import type { Campaign } from "./campaigns.repository.js";

/** The start is refused: the notice differs from an Australian statement and no override was given. */
export class StatementDisagreementError extends AppError {
  constructor(readonly agreement: StatementAgreement) {
    const named = describeDisagreement(agreement.refusals);
    super(
      "conflict",
      `The notice does not say what the statement to the regulator says (Privacy Act s 26WL(3): the notice carries the statement's contents). ${named.join(" ")} Start the notice from the statement and save it, submit an updated statement, or start anyway with a reason.`,
    );
    this.name = "StatementDisagreementError";
  }
}

/** The differences as the JSON API answers them: one entry per version and statement that differ. */
export function disagreementJson(checks: StatementAgreement["checks"]) {
  return checks
    .filter((c) => !c.comparison.isAgreed)
    .map((c) => ({
      language: c.language,
      version: c.versionNumber,
      statement: { id: c.statement.statementId, rule: c.statement.ruleId, version: c.statement.version },
      severity: c.severity,
      differences: c.comparison.differences,
      items: c.comparison.items
        .filter((i) => i.onlyInStatement.length || i.onlyInNotice.length)
        .map(({ key, label, onlyInStatement, onlyInNotice }) => ({ key, label, onlyInStatement, onlyInNotice })),
    }));
}

/** The start page's comparison of the versions a start would pin with the submitted statements (null: no version yet). */
export async function loadStatementAgreement(db: Database, campaign: Pick<Campaign, "incidentId" | "templateId">) {
  const versionIds = await latestVersionIds(db.prisma, campaign.templateId);
  if (Object.keys(versionIds).length === 0) return null;
  return checkAgainstStatements(db.prisma, campaign.incidentId, versionIds);
}

/** The start's audit detail of what differed from a submitted statement; nothing when all agreed. */
export function statementDifferencesOf(agreement: StatementAgreement): { statementDifferences?: string[] } {
  const differing = [...agreement.refusals, ...agreement.warnings];
  return differing.length ? { statementDifferences: describeDisagreement(differing) } : {};
}

/**
 * Compares the versions a start will pin with the submitted statements. Refused
 * (StatementDisagreementError) when an Australian statement differs and no override reason is given.
 */
export async function checkStatementAgreement(
  db: DbOrTx,
  campaign: Pick<Campaign, "incidentId">,
  versionIds: Record<string, string>,
  overrideReason: string | undefined,
): Promise<StatementAgreement> {
  const agreement = await checkAgainstStatements(db, campaign.incidentId, versionIds);
  if (agreement.refusals.length && !overrideReason?.trim()) throw new StatementDisagreementError(agreement);
  return agreement;
}

/**
 * Records a manager's override of the refusal in the start's transaction: audited
 * (campaign.statement_override, with the reason and each difference) and on the incident's timeline.
 */
export async function recordStatementOverride(
  deps: { db: Database; clock: Clock },
  tx: DbOrTx,
  campaign: Campaign,
  agreement: StatementAgreement,
  reason: string,
  actor: Actor,
): Promise<void> {
  const differences = describeDisagreement(agreement.refusals);
  const rules = [...new Set(agreement.refusals.map((c) => `${c.statement.ruleId} version ${c.statement.version}`))];
  await recordAudit(
    deps.db,
    tx,
    actor,
    {
      action: "campaign.statement_override",
      entityType: "campaign",
      entityId: campaign.id,
      incidentId: campaign.incidentId,
      after: { name: campaign.name, statements: rules, reason: reason.trim(), differences },
    },
    deps.clock,
  );
  const incident = await findIncidentWithId(tx, campaign.incidentId);
  if (!incident) return;
  await recordTimelineEvent(
    deps,
    tx,
    incident,
    {
      occurredAt: deps.clock.now(),
      occurredZone: incident.timeZone,
      kind: "decision",
      description: `The campaign “${campaign.name}” was started although its notice differs from the statement ${rules.join(" and ")} (${differences.length} ${differences.length === 1 ? "difference" : "differences"}). Reason given: ${reason.trim()}`,
      source: "lifecycle",
    },
    actor,
  );
}
