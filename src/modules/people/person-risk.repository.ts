import type { DbOrTx } from "../../db/client.js";
import type { Prisma } from "../../generated/sqlite/client.js";
import { RUNNING_STATUSES } from "./import-lifecycle.policy.js";
import type { RiskRuleBasis } from "./person-risk.policy.js";

/**
 * The queries of who is at risk: the rule's inputs (the current assessment, the incident's data
 * categories, the people's distinct category lists) and the writes that set `is_at_risk` from
 * the rule or from an override. Each write changes only rows whose value differs, so it says
 * how many people changed.
 */

/** The incident's current (newest) risk assessment as the rule reads it, or null. */
export async function findRiskRuleBasis(db: DbOrTx, incidentId: string): Promise<RiskRuleBasis | null> {
  const latest = await db.riskAssessment.findFirst({
    where: { incidentId },
    orderBy: [{ assessedAt: "desc" }, { id: "desc" }],
    select: { assessedAt: true, seriousHarmLikely: true, dataCategories: true },
  });
  if (!latest) return null;
  let categoryIds: string[] = [];
  try {
    const parsed = JSON.parse(latest.dataCategories) as unknown;
    if (Array.isArray(parsed)) categoryIds = parsed.map(String);
  } catch {
    categoryIds = [];
  }
  return { assessedAt: latest.assessedAt, seriousHarmLikely: latest.seriousHarmLikely, categoryIds };
}

/** The ids of the data categories the incident records. */
export async function listIncidentCategoryIds(db: DbOrTx, incidentId: string): Promise<string[]> {
  const rows = await db.incidentDataCategory.findMany({ where: { incidentId }, select: { categoryId: true } });
  return rows.map((r) => r.categoryId);
}

/** The data category names by id, for the rule's words. */
export async function listCategoryNames(db: DbOrTx): Promise<Map<string, string>> {
  const rows = await db.dataCategory.findMany({ select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * The people the rule may set: not set by anyone else, and not of an import being written (its
 * at-risk column is marked as the file's when it ends, and the rule applied to the rest then).
 */
/** Some of the incident's people: these ones, or those an import last wrote. */
export interface RuleSubset {
  personIds?: string[];
  importId?: string;
}

async function ruleScope(db: DbOrTx, incidentId: string, subset: RuleSubset = {}): Promise<Prisma.PersonWhereInput> {
  const writing = await db.personImport.findMany({
    where: { incidentId, status: { in: [...RUNNING_STATUSES] } },
    select: { id: true },
  });
  const and: Prisma.PersonWhereInput[] = [{ incidentId }, { riskSetBy: "" }];
  if (writing.length) and.push({ OR: [{ importId: null }, { importId: { notIn: writing.map((w) => w.id) } }] });
  if (subset.personIds) and.push({ id: { in: subset.personIds } });
  if (subset.importId) and.push({ importId: subset.importId });
  return { AND: and };
}

/** The distinct category lists (JSON text, null: all of the incident's) of the people the rule sets. */
export async function listRuleCategoryValues(db: DbOrTx, incidentId: string, subset?: RuleSubset): Promise<(string | null)[]> {
  const groups = await db.person.groupBy({ by: ["categoryIds"], where: await ruleScope(db, incidentId, subset) });
  return groups.map((g) => g.categoryIds);
}

/** `is_at_risk` differs from the value (null-safe). */
const differsFrom = (value: boolean | null): Prisma.PersonWhereInput =>
  value === null ? { isAtRisk: { not: null } } : { OR: [{ isAtRisk: null }, { isAtRisk: !value }] };

/** Values per statement: a long IN list stays under both databases' parameter limits. */
const IN_CHUNK = 500;

/**
 * Sets `is_at_risk` to the value for the rule's people whose category list is one of these;
 * returns how many changed.
 */
export async function setRuleRisk(
  db: DbOrTx,
  incidentId: string,
  categoryValues: (string | null)[],
  value: boolean | null,
  subset?: RuleSubset,
): Promise<number> {
  let changed = 0;
  const scope = await ruleScope(db, incidentId, subset);
  if (categoryValues.includes(null)) {
    const { count } = await db.person.updateMany({
      where: { AND: [scope, { categoryIds: null }, differsFrom(value)] },
      data: { isAtRisk: value },
    });
    changed += count;
  }
  const texts = categoryValues.filter((v): v is string => v !== null);
  for (let i = 0; i < texts.length; i += IN_CHUNK) {
    const { count } = await db.person.updateMany({
      where: { AND: [scope, { categoryIds: { in: texts.slice(i, i + IN_CHUNK) } }, differsFrom(value)] },
      data: { isAtRisk: value },
    });
    changed += count;
  }
  return changed;
}

/** Makes `is_at_risk` hold the override of every person whose risk someone set; returns how many changed. */
export async function applyRiskOverrides(db: DbOrTx, incidentId: string): Promise<number> {
  let changed = 0;
  for (const value of [true, false]) {
    const { count } = await db.person.updateMany({
      where: { AND: [{ incidentId }, { riskSetBy: { not: "" } }, { riskOverride: value }, differsFrom(value)] },
      data: { isAtRisk: value },
    });
    changed += count;
  }
  return changed;
}

/**
 * Marks the at-risk values an import's file gave (its people with a value the rule did not
 * set) as the file's, unless a manager set theirs; returns how many.
 */
export async function markFileRisks(db: DbOrTx, importId: string): Promise<number> {
  let marked = 0;
  for (const value of [true, false]) {
    const { count } = await db.person.updateMany({
      where: { importId, riskSetBy: "", isAtRisk: value },
      data: { riskSetBy: "file", riskOverride: value },
    });
    marked += count;
  }
  return marked;
}

/** Sets (or, with null, clears) the override of the people of an import, except those a manager set one by one. */
export async function setImportRiskOverride(db: DbOrTx, incidentId: string, importId: string, value: boolean | null) {
  const where: Prisma.PersonWhereInput = { incidentId, importId, riskSetBy: { not: "person" } };
  const { count } = await db.person.updateMany({
    where,
    data: value === null ? { riskSetBy: "", riskOverride: null } : { riskSetBy: "import", riskOverride: value },
  });
  return count;
}

/** Sets (or, with null, clears) one person's override. */
export async function setPersonRiskOverride(db: DbOrTx, incidentId: string, personId: string, value: boolean | null) {
  const { count } = await db.person.updateMany({
    where: { incidentId, id: personId },
    data: value === null ? { riskSetBy: "", riskOverride: null } : { riskSetBy: "person", riskOverride: value },
  });
  return count;
}

/** How many people of the incident have each risk, by who set it. */
export async function countRisks(db: DbOrTx, incidentId: string) {
  const groups = await db.person.groupBy({
    by: ["isAtRisk", "riskSetBy"],
    where: { incidentId },
    _count: { _all: true },
  });
  return groups.map((g) => ({ isAtRisk: g.isAtRisk, riskSetBy: g.riskSetBy, count: g._count._all }));
}

/** Each import's people by who set their risk and its value (the risk page's table of imports). */
export async function countRisksByImport(db: DbOrTx, incidentId: string) {
  const groups = await db.person.groupBy({
    by: ["importId", "riskSetBy", "isAtRisk"],
    where: { incidentId },
    _count: { _all: true },
  });
  return groups.map((g) => ({ importId: g.importId, riskSetBy: g.riskSetBy, isAtRisk: g.isAtRisk, count: g._count._all }));
}

/** The people whose risk a manager set one by one, at most `take`. */
export function listPersonOverrides(db: DbOrTx, incidentId: string, take: number) {
  return db.person.findMany({
    where: { incidentId, riskSetBy: "person" },
    select: { id: true, givenName: true, familyName: true, email: true, externalId: true, isAtRisk: true },
    orderBy: { uniqueKey: "asc" },
    take,
  });
}

/** One person's risk fields, with what identifies them. */
export function findPersonRisk(db: DbOrTx, incidentId: string, personId: string) {
  return db.person.findFirst({
    where: { incidentId, id: personId },
    select: {
      id: true,
      givenName: true,
      familyName: true,
      email: true,
      externalId: true,
      categoryIds: true,
      isAtRisk: true,
      riskSetBy: true,
      riskOverride: true,
      importId: true,
    },
  });
}

/** The incident's imports, newest first, for the risk page. */
export function listImportsForRisk(db: DbOrTx, incidentId: string) {
  return db.personImport.findMany({
    where: { incidentId },
    select: { id: true, fileName: true, status: true, mapping: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  });
}

/** One import of the incident, with its mapping. */
export function findImportForRisk(db: DbOrTx, incidentId: string, importId: string) {
  return db.personImport.findFirst({
    where: { incidentId, id: importId },
    select: { id: true, fileName: true, status: true, mapping: true, incidentId: true },
  });
}
