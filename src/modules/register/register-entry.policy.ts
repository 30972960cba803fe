// The breach register's entry for one incident, put together from what each module's face gives
// (pure: no I/O). The register lists every incident, notified or not (GDPR Art. 33(5)).
import type { RegisterAction } from "../actions/index.js";
import type { RegisterAssessment, RegisterDecision } from "../assessments/index.js";
import type { RegisterDataKind } from "../data-categories/index.js";
import { type Incident, type IncidentStatus, statusLabels } from "../incidents/index.js";
import type { IncidentCoverage } from "../ledger/index.js";
import type { MetRegulatorObligation } from "../obligations/index.js";
import type { SubmittedStatement } from "../statements/index.js";
import type { RegisterSystem } from "../systems/index.js";

/** A regulator told: a statement version marked submitted, or an obligation a person recorded as met. */
export interface RegulatorNotification {
  ruleId: string;
  regulator: string;
  at: Date | null;
  /** The zone the instant was entered in (the statement's) or the obligation's. */
  zone: string;
  /** portal | email | letter for a statement; the words recorded for an obligation. */
  how: string;
  reference: string;
  /** The statement and version given, or null when the obligation was recorded as met by hand. */
  statement: { id: string; version: number } | null;
}

/** How many people the breach affects, and where the figure comes from. */
export interface PeopleAffected {
  /** The imported people and rejected rows outstanding (the ledger's), else the assessment's estimate, else null. */
  count: number | null;
  source: "ledger" | "assessment" | null;
}

/** One incident of the register: the facts, effects, remedial actions, decision and notifications. */
export interface RegisterEntry {
  incident: Incident;
  statusLabel: string;
  dataKinds: RegisterDataKind[];
  systems: RegisterSystem[];
  peopleAffected: PeopleAffected;
  actions: RegisterAction[];
  assessment: RegisterAssessment | null;
  decision: RegisterDecision | null;
  regulators: RegulatorNotification[];
  coverage: IncidentCoverage;
  /** A restricted incident the reader is not on the team of, shown as a line (REGISTER_RESTRICTED=line): details withheld. */
  isWithheld: boolean;
}

/** What the register's reads returned, each kind for all the incidents at once. */
export interface RegisterReads {
  dataKinds: RegisterDataKind[];
  systems: RegisterSystem[];
  actions: RegisterAction[];
  decisions: Map<string, RegisterDecision>;
  assessments: Map<string, RegisterAssessment>;
  statements: SubmittedStatement[];
  metObligations: MetRegulatorObligation[];
  coverage: Map<string, IncidentCoverage>;
}

const emptyCoverage: IncidentCoverage = {
  affected: 0,
  people: 0,
  notImported: 0,
  told: 0,
  byEmail: 0,
  anotherWay: 0,
  toTellAnotherWay: 0,
  beingSent: 0,
  notYetAddressed: 0,
  share: null,
  isComplete: false,
};

/** Rows grouped by their incident id, keeping their order. */
function byIncident<T extends { incidentId: string }>(rows: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.incidentId);
    if (group) group.push(row);
    else groups.set(row.incidentId, [row]);
  }
  return groups;
}

/**
 * The regulators told: every submitted statement version, and every obligation to notify a
 * regulator that a person recorded as met (one met by a statement is that statement's line).
 */
function regulatorsOf(statements: SubmittedStatement[], obligations: MetRegulatorObligation[]): RegulatorNotification[] {
  const fromStatements = statements.map((s) => ({
    ruleId: s.ruleId,
    regulator: s.regulator,
    at: s.submittedAt,
    zone: s.submittedZone,
    how: s.how,
    reference: s.reference,
    statement: { id: s.statementId, version: s.version },
  }));
  const byHand = obligations
    .filter((o) => !o.metBy.startsWith("statement:"))
    .map((o) => ({
      ruleId: o.ruleId,
      regulator: o.regulator,
      at: o.metAt,
      zone: o.zone,
      how: o.how,
      reference: o.reference,
      statement: null,
    }));
  return [...fromStatements, ...byHand];
}

function peopleAffectedOf(coverage: IncidentCoverage, assessment: RegisterAssessment | null): PeopleAffected {
  if (coverage.affected > 0) return { count: coverage.affected, source: "ledger" };
  if (assessment?.peopleCount != null) return { count: assessment.peopleCount, source: "assessment" };
  return { count: null, source: null };
}

/** The register's entries, one per incident in the order given, from the reads of all of them. */
export function buildRegisterEntries(incidents: Incident[], reads: RegisterReads): RegisterEntry[] {
  const dataKinds = byIncident(reads.dataKinds);
  const systems = byIncident(reads.systems);
  const actions = byIncident(reads.actions);
  const statements = byIncident(reads.statements);
  const obligations = byIncident(reads.metObligations);
  return incidents.map((incident) => {
    const coverage = reads.coverage.get(incident.id) ?? emptyCoverage;
    const assessment = reads.assessments.get(incident.id) ?? null;
    return {
      incident,
      statusLabel: statusLabels[incident.status as IncidentStatus] ?? incident.status,
      dataKinds: dataKinds.get(incident.id) ?? [],
      systems: systems.get(incident.id) ?? [],
      peopleAffected: peopleAffectedOf(coverage, assessment),
      actions: actions.get(incident.id) ?? [],
      assessment,
      decision: reads.decisions.get(incident.id) ?? null,
      regulators: regulatorsOf(statements.get(incident.id) ?? [], obligations.get(incident.id) ?? []),
      coverage,
      isWithheld: false,
    };
  });
}

/**
 * A restricted incident as a line of the register for a reader who may not read it
 * (REGISTER_RESTRICTED=line, decision 0030): its reference, status and zone; nothing else of it.
 */
export function withheldEntryOf(incident: Incident): RegisterEntry {
  const blank: Incident = {
    ...incident,
    title: "",
    summary: "",
    severity: "",
    team: "",
    location: "",
    ownerId: null,
    createdById: null,
    occurredFrom: null,
    occurredTo: null,
    detectedAt: null,
    awareAt: null,
    containedAt: null,
    decidedAt: null,
    closedAt: null,
    proposedStatus: "",
    proposedBecause: "",
    proposedAt: null,
  };
  return {
    incident: blank,
    statusLabel: statusLabels[incident.status as IncidentStatus] ?? incident.status,
    dataKinds: [],
    systems: [],
    peopleAffected: { count: null, source: null },
    actions: [],
    assessment: null,
    decision: null,
    regulators: [],
    coverage: emptyCoverage,
    isWithheld: true,
  };
}
