import type { Database } from "../../db/client.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { loadIncident } from "../incidents/index.js";
import { RISK_SETTER_LABELS, type RiskSetter } from "./person-risk.policy.js";
import {
  countRisks,
  countRisksByImport,
  findPersonRisk,
  listImportsForRisk,
  listPersonOverrides,
} from "./person-risk.repository.js";
import { describeIncidentRiskRule } from "./person-risk.service.js";

/** People set one by one that the risk page lists. */
const LISTED_OVERRIDES = 100;

type RiskCounts = { atRisk: number; notAtRisk: number; notAssessed: number };
const emptyCounts = (): RiskCounts => ({ atRisk: 0, notAtRisk: 0, notAssessed: 0 });
const bump = (counts: RiskCounts, isAtRisk: boolean | null, n: number) => {
  if (isAtRisk === null) counts.notAssessed += n;
  else if (isAtRisk) counts.atRisk += n;
  else counts.notAtRisk += n;
};

/** What an import's people's risk is set by now: a manager's choice for all of them, the file, or the rule. */
function importRiskState(rows: { riskSetBy: string; isAtRisk: boolean | null; count: number }[]) {
  const counts = emptyCounts();
  const bySetter = new Map<string, number>();
  for (const r of rows) {
    bump(counts, r.isAtRisk, r.count);
    bySetter.set(r.riskSetBy, (bySetter.get(r.riskSetBy) ?? 0) + r.count);
  }
  const total = rows.reduce((n, r) => n + r.count, 0);
  const setByManager = rows.filter((r) => r.riskSetBy === "import");
  const choice =
    setByManager.length === 1 && setByManager[0]!.isAtRisk !== null ? (setByManager[0]!.isAtRisk ? "yes" : "no") : "rule";
  return { total, counts, bySetter: Object.fromEntries(bySetter), choice };
}

/**
 * The risk page of an incident: the rule in words (with the assessment it reads, its instant in
 * the incident's zone), how many
 * people are at risk, not at risk or not assessed and who set it, each import's people with
 * the choice a manager made for them, and the people set one by one.
 */
export async function loadRiskPage(deps: { db: Database }, reference: string) {
  const db = deps.db.prisma;
  const incident: Incident = await loadIncident(db, reference);
  const [rule, groups, byImport, imports, overrides] = await Promise.all([
    describeIncidentRiskRule(db, incident, incident.timeZone),
    countRisks(db, incident.id),
    countRisksByImport(db, incident.id),
    listImportsForRisk(db, incident.id),
    listPersonOverrides(db, incident.id, LISTED_OVERRIDES),
  ]);
  const totals = emptyCounts();
  const bySetter = new Map<RiskSetter, RiskCounts>();
  for (const g of groups) {
    bump(totals, g.isAtRisk, g.count);
    const setter = (g.riskSetBy in RISK_SETTER_LABELS ? g.riskSetBy : "") as RiskSetter;
    const counts = bySetter.get(setter) ?? emptyCounts();
    bump(counts, g.isAtRisk, g.count);
    bySetter.set(setter, counts);
  }
  const rowsOf = (importId: string) => byImport.filter((r) => r.importId === importId);
  return {
    incident,
    rule,
    totals,
    bySetter: [...bySetter.entries()].map(([setter, counts]) => ({ setter, label: RISK_SETTER_LABELS[setter], counts })),
    imports: imports.map((i) => ({ ...i, ...importRiskState(rowsOf(i.id)) })),
    overrides,
    isOverrideListCut: overrides.length === LISTED_OVERRIDES,
  };
}

/** One person's risk, who set it and the rule's words, for the page that changes it. */
export async function loadPersonRiskPage(deps: { db: Database }, reference: string, personId: string) {
  const db = deps.db.prisma;
  const incident = await loadIncident(db, reference);
  const person = await findPersonRisk(db, incident.id, personId);
  if (!person) throw new AppError("not_found", `${incident.reference} has no such person.`);
  const rule = await describeIncidentRiskRule(db, incident, incident.timeZone);
  const setter = (person.riskSetBy in RISK_SETTER_LABELS ? person.riskSetBy : "") as RiskSetter;
  return {
    incident,
    person,
    rule,
    setBy: RISK_SETTER_LABELS[setter],
    choice: setter === "person" ? (person.isAtRisk ? "yes" : "no") : "rule",
  };
}
