// The register as JSON (the API) and as CSV (a spreadsheet): the same entries, the same words.
// Pure. CSV cells go through lib/csv-cells.ts, which neutralises cells a spreadsheet would run
// as formulas (a title typed as =HYPERLINK(...) stays text).
import { csvLine } from "../../lib/csv-cells.js";
import { formatShare } from "../ledger/index.js";
import type { RegisterEntry } from "./register-entry.policy.js";

const iso = (at: Date | null | undefined) => (at ? at.toISOString() : null);

/** One incident of the register as the API answers it. */
export function registerEntryJson(entry: RegisterEntry) {
  const { incident: i, decision, coverage: c } = entry;
  return {
    reference: i.reference,
    withheld: entry.isWithheld,
    title: i.title,
    summary: i.summary,
    severity: i.severity,
    status: i.status,
    timeZone: i.timeZone,
    occurredFrom: iso(i.occurredFrom),
    occurredTo: iso(i.occurredTo),
    detectedAt: iso(i.detectedAt),
    awareAt: iso(i.awareAt),
    containedAt: iso(i.containedAt),
    decidedAt: iso(i.decidedAt),
    closedAt: iso(i.closedAt),
    kindsOfInformation: entry.dataKinds.map((k) => ({
      category: k.categoryId,
      name: k.name,
      sensitivity: k.sensitivity,
      details: k.details,
      encrypted: k.encrypted,
    })),
    systems: entry.systems.map((s) => ({ name: s.name, role: s.role, status: s.status, compromiseMethod: s.compromiseMethod })),
    peopleAffected: entry.peopleAffected,
    remedialActions: entry.actions.map((a) => ({
      title: a.title,
      status: a.status,
      dueOn: a.dueOn,
      completedAt: iso(a.completedAt),
    })),
    decision: decision
      ? {
          outcome: decision.isNotifiable ? ("notifiable" as const) : ("not_notifiable" as const),
          isNotifiable: decision.isNotifiable,
          regimes: decision.regimes,
          rationale: decision.rationale,
          decidedAt: decision.decidedAt.toISOString(),
          decidedBy: decision.decidedBy,
          earlierDecisions: decision.earlier,
        }
      : null,
    notifications: {
      regulators: entry.regulators.map((r) => ({
        rule: r.ruleId,
        regulator: r.regulator,
        at: iso(r.at),
        zone: r.zone,
        how: r.how,
        reference: r.reference,
        statementId: r.statement?.id ?? null,
        statementVersion: r.statement?.version ?? null,
      })),
      people: {
        affected: c.affected,
        told: c.told,
        byEmail: c.byEmail,
        anotherWay: c.anotherWay,
        notImported: c.notImported,
        share: c.share,
        isComplete: c.isComplete,
      },
    },
  };
}

export const REGISTER_CSV_HEADER = [
  "reference",
  "title",
  "status",
  "severity",
  "time_zone",
  "summary",
  "occurred_from",
  "occurred_to",
  "detected_at",
  "aware_at",
  "contained_at",
  "closed_at",
  "kinds_of_information",
  "systems",
  "people_affected",
  "people_affected_from",
  "remedial_actions",
  "decision",
  "decision_regimes",
  "decision_rationale",
  "decided_at",
  "regulators_notified",
  "people_told",
  "people_told_by_email",
  "people_told_another_way",
  "coverage",
];

/** The cells of one incident's CSV line: lists joined with "; ", instants in UTC ISO 8601. */
function csvCellsOf(entry: RegisterEntry): (string | number | null)[] {
  const { incident: i, decision, coverage: c } = entry;
  const detail = (name: string, extra: string) => (extra ? `${name} (${extra})` : name);
  return [
    i.reference,
    entry.isWithheld ? "(restricted: details withheld)" : i.title,
    i.status,
    i.severity,
    i.timeZone,
    i.summary,
    iso(i.occurredFrom),
    iso(i.occurredTo),
    iso(i.detectedAt),
    iso(i.awareAt),
    iso(i.containedAt),
    iso(i.closedAt),
    entry.dataKinds.map((k) => detail(k.name, k.details)).join("; "),
    entry.systems.map((s) => detail(s.name, s.status)).join("; "),
    entry.peopleAffected.count,
    entry.peopleAffected.source,
    entry.actions.map((a) => detail(a.title, a.statusLabel.toLowerCase())).join("; "),
    decision ? (decision.isNotifiable ? "notifiable" : "not notifiable") : "not decided",
    decision?.regimes.join("; ") ?? "",
    decision?.rationale ?? "",
    iso(decision?.decidedAt),
    entry.regulators
      .map((r) =>
        [
          `${r.regulator} (${r.ruleId})`,
          r.statement ? `statement version ${r.statement.version}` : "recorded as met",
          iso(r.at) ?? "",
          r.how,
          r.reference ? `reference ${r.reference}` : "",
        ]
          .filter(Boolean)
          .join(", "),
      )
      .join("; "),
    c.told,
    c.byEmail,
    c.anotherWay,
    c.affected > 0 ? `${c.told} of ${c.affected} (${formatShare(c.share, c.isComplete)})` : "",
  ];
}

/** The register as CSV: a byte order mark (so spreadsheets read UTF-8), a header, one line per incident. */
export function registerCsv(entries: RegisterEntry[]): string {
  return `\uFEFF${csvLine(REGISTER_CSV_HEADER)}${entries.map((e) => csvLine(csvCellsOf(e))).join("")}`;
}
