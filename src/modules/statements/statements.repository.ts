// The statements' queries. Statements and their versions are this module's; the record a
// statement is drafted from (the newest assessment, the remedial actions, the systems, the
// obligation the statement answers) is read here too, read-only, since those modules' faces do
// not offer these lists (decision 0015).
import type { DbOrTx } from "../../db/client.js";

export type NewStatement = {
  id: string;
  incidentId: string;
  ruleId: string;
  followsId: string | null;
  createdAt: Date;
  createdById: string | null;
  createdBy: string;
};

export type NewVersion = {
  id: string;
  statementId: string;
  version: number;
  fields: string;
  missing: string;
  note: string;
  savedAt: Date;
  savedById: string | null;
  savedBy: string;
};

export function listStatementsOfIncident(db: DbOrTx, incidentId: string) {
  return db.regulatorStatement.findMany({ where: { incidentId }, orderBy: { createdAt: "asc" } });
}

export function findStatement(db: DbOrTx, incidentId: string, id: string) {
  return db.regulatorStatement.findFirst({ where: { id, incidentId } });
}

export function findStatementOfRule(db: DbOrTx, incidentId: string, ruleId: string) {
  return db.regulatorStatement.findUnique({ where: { incidentId_ruleId: { incidentId, ruleId } } });
}

export function listVersions(db: DbOrTx, statementId: string) {
  return db.regulatorStatementVersion.findMany({ where: { statementId }, orderBy: { version: "desc" } });
}

export function findVersion(db: DbOrTx, statementId: string, version: number) {
  return db.regulatorStatementVersion.findUnique({ where: { statementId_version: { statementId, version } } });
}

/** Inserts a statement with its first version. */
export async function insertStatement(db: DbOrTx, statement: NewStatement, first: Omit<NewVersion, "statementId" | "version">) {
  const created = await db.regulatorStatement.create({ data: { ...statement, version: 1, updatedAt: statement.createdAt } });
  const version = await db.regulatorStatementVersion.create({ data: { ...first, statementId: created.id, version: 1 } });
  return { statement: created, version };
}

/**
 * Adds the next version. The statement's version moves only from the number read (a guarded
 * UPDATE), so two saves of the same version cannot both win: the second gets null.
 */
export async function insertNextVersion(db: DbOrTx, read: { id: string; version: number }, next: Omit<NewVersion, "version">) {
  const moved = await db.regulatorStatement.updateMany({
    where: { id: read.id, version: read.version },
    data: { version: read.version + 1, updatedAt: next.savedAt },
  });
  if (moved.count !== 1) return null;
  return db.regulatorStatementVersion.create({ data: { ...next, version: read.version + 1 } });
}

export function recordSubmission(
  db: DbOrTx,
  versionId: string,
  data: {
    submittedAt: Date;
    submittedZone: string;
    submittedHow: string;
    submittedReference: string;
    submittedBy: string;
    ackFileName: string;
    ackFilePath: string;
  },
) {
  return db.regulatorStatementVersion.update({ where: { id: versionId }, data });
}

/** The obligation of the incident for a rule, when applied (its copied terms and deadline). */
export function findObligationOfRule(db: DbOrTx, incidentId: string, ruleId: string) {
  return db.obligation.findUnique({ where: { incidentId_ruleId: { incidentId, ruleId } } });
}

export function listObligationsOfIncident(db: DbOrTx, incidentId: string) {
  return db.obligation.findMany({ where: { incidentId }, orderBy: { appliedAt: "asc" } });
}

/** What the record adds to the incident's own fields: the newest assessment, the actions, the systems. */
export async function readRecordExtras(db: DbOrTx, incidentId: string) {
  const [assessment, actions, systems] = await Promise.all([
    db.riskAssessment.findFirst({ where: { incidentId }, orderBy: { assessedAt: "desc" } }),
    db.remedialAction.findMany({ where: { incidentId }, orderBy: { createdAt: "asc" } }),
    db.affectedSystem.findMany({ where: { incidentId }, orderBy: { name: "asc" } }),
  ]);
  return { assessment, actions, systems };
}

/** The submitted versions of several incidents' statements (for the breach register), in the order submitted. */
export function listSubmittedVersionsOfIncidents(db: DbOrTx, incidentIds: string[]) {
  return db.regulatorStatementVersion.findMany({
    where: { submittedAt: { not: null }, statement: { incidentId: { in: incidentIds } } },
    orderBy: [{ submittedAt: "asc" }, { version: "asc" }],
    select: {
      version: true,
      submittedAt: true,
      submittedZone: true,
      submittedHow: true,
      submittedReference: true,
      statement: { select: { id: true, incidentId: true, ruleId: true } },
    },
  });
}
