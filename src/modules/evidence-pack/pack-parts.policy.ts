// What each part of an evidence pack holds, from the records read (pure). Every part is the
// stored rows as they are (plainRecord), grouped the way a reader asks: what happened, what was
// decided and why, what the law asked and how it was met, what was said and sent, the proof.
import type { Incident } from "../../generated/sqlite/client.js";
import { type PackPart, plainRecord } from "./pack-html.policy.js";
import type { IncidentRecords } from "./pack-records.repository.js";

export interface PackFacts {
  incident: Incident;
  records: IncidentRecords;
  deliveries: { campaignId: string; status: string; count: number }[];
  coverage: unknown;
  told: { channel: string; source: string; count: number }[];
  audit: {
    entries: unknown[];
    head: { seq: number; hash: string; at: Date } | null;
  };
  includesPersonalData: boolean;
}

const rows = (list: object[]) => list.map((r) => plainRecord(r) as Record<string, unknown>);

/** The timeline, each entry with the later entries that correct it named. */
function timelinePart(records: IncidentRecords): PackPart {
  const correctedBy = new Map<string, string[]>();
  for (const e of records.timeline)
    if (e.correctsId) correctedBy.set(e.correctsId, [...(correctedBy.get(e.correctsId) ?? []), e.id]);
  const events = records.timeline.map((e) => ({ ...e, correctedBy: correctedBy.get(e.id) ?? [] }));
  return {
    name: "timeline",
    title: "Timeline",
    intro:
      "What happened and when, in the order it happened; nothing is rewritten: a correction is a later entry naming the one it corrects (correctsId, correctedBy).",
    data: { events: rows(events) },
  };
}

function statementsPart(records: IncidentRecords): PackPart {
  const statements = records.statements.map(({ versions, ...s }) => plainRecord(s));
  const versions = records.statements.flatMap((s) => s.versions.map((v) => ({ ruleId: s.ruleId, ...v })));
  return {
    name: "statements",
    title: "Statements to regulators",
    intro:
      "Each regulator statement and every saved version of its text; a submitted version has when, how, the regulator's reference and who recorded it.",
    data: {
      statements,
      submittedVersions: rows(versions.filter((v) => v.submittedAt !== null)),
      allVersions: rows(versions),
    },
  };
}

function ledgerPart(facts: PackFacts, names: Map<string, string>): PackPart {
  const byStatus = new Map<string, number>();
  for (const d of facts.deliveries) byStatus.set(d.status, (byStatus.get(d.status) ?? 0) + d.count);
  return {
    name: "ledger-summary",
    title: "Ledger summary",
    intro: `Coverage of the affected people, and the notices by status and campaign. Every notice, one row each, is in ledger.csv${facts.includesPersonalData ? "" : " (without names and addresses: this pack leaves personal data out)"}.`,
    data: {
      coverage: facts.coverage,
      noticesByStatus: [...byStatus].map(([status, count]) => ({ status, count })),
      noticesByCampaign: facts.deliveries.map((d) => ({ campaign: names.get(d.campaignId) ?? d.campaignId, ...d })),
      total: facts.deliveries.reduce((sum, d) => sum + d.count, 0),
    },
  };
}

/** The parts of a pack, in the order the index lists them. */
export function packParts(facts: PackFacts): PackPart[] {
  const { incident, records } = facts;
  const campaignNames = new Map(records.campaigns.map((c) => [c.id, c.name]));
  const toldTotal = facts.told.reduce((sum, t) => sum + t.count, 0);
  return [
    {
      name: "incident",
      title: "The incident",
      intro: "The incident as recorded: its reference, zone, status and key instants (UTC; the zone is the one it is shown in).",
      data: { incident: plainRecord(incident) },
    },
    timelinePart(records),
    {
      name: "scope",
      title: "Systems, personal data and remedial actions",
      intro:
        "The systems affected and how, the kinds of personal information involved, and the remedial actions with their owners and outcomes.",
      data: {
        systems: rows(records.systems),
        dataCategories: records.categories.map(({ category, ...c }) =>
          plainRecord({ name: category.name, sensitivity: category.sensitivity, ...c }),
        ),
        remedialActions: rows(records.remedialActions),
      },
    },
    {
      name: "assessment",
      title: "Assessments and decisions",
      intro:
        "Every risk assessment and notification decision with its rationale, oldest first; the newest is current, the others stay.",
      data: { assessments: rows(records.assessments), decisions: rows(records.decisions) },
    },
    {
      name: "obligations",
      title: "Obligations and deadlines",
      intro:
        "Each obligation with the rule's terms as copied when it was applied, its deadline, what started its clock (the basis) and how it was met, or why not; then the clock events recorded.",
      data: { obligations: rows(records.obligations), clockEvents: rows(records.clockEvents) },
    },
    statementsPart(records),
    {
      name: "notices",
      title: "Notice versions",
      intro: "The notices to the people concerned: each template and every version of its text by language.",
      data: { templates: rows(records.templates), versions: rows(records.noticeVersions) },
    },
    {
      name: "campaigns",
      title: "Campaigns",
      intro: "Each campaign: the notice versions it pinned, its audience, sender, approval and when it started and finished.",
      data: { campaigns: rows(records.campaigns) },
    },
    ledgerPart(facts, campaignNames),
    {
      name: "told-another-way",
      title: "People told another way",
      intro: facts.includesPersonalData
        ? "The people told by letter, phone or public statement, counted by channel; each by name in told-another-way.csv."
        : "The people told by letter, phone or public statement, counted by channel. Their names are left out of this pack.",
      data: { total: toldTotal, byChannel: facts.told },
    },
    {
      name: "evidence-files",
      title: "Evidence files",
      intro:
        "The files kept as proof, each with the SHA-256 and size recorded at upload; the bytes are under files/. A deleted file, or one removed by the retention purge (purgedAt), keeps its record, hash and the reason.",
      data: {
        files: records.evidenceFiles.map(({ storageKey, ...f }) =>
          plainRecord({ ...f, inPack: f.deletedAt ? null : evidencePathOf(f.id, f.fileName) }),
        ),
      },
    },
    {
      name: "audit",
      title: "Audit entries",
      intro:
        "Every audit entry of this incident in chain order, with each entry's stored text and hash, and the chain's head when the pack was built (its seq and hash can be checked against the audit log and its anchor file).",
      data: {
        chainHeadAtPack: facts.audit.head ? plainRecord(facts.audit.head) : null,
        entries: facts.audit.entries.map((e) => plainRecord(e)),
      },
    },
  ];
}

/** Where an evidence file's bytes go in the pack: files/<id>-<name>, the name made safe for any unzip. */
export function evidencePathOf(id: string, fileName: string): string {
  const safe =
    fileName
      .replace(/[^A-Za-z0-9._-]+/g, "_")
      .replace(/^[._]+/, "")
      .slice(0, 100) || "file";
  return `files/${id}-${safe}`;
}
