// A statement's exports (plain text, JSON, PDF, the printable page) from one loaded version.
import type { Deps } from "../../deps.js";
import type { StatementExport } from "./statement-export.policy.js";
import { statementSections, statementText } from "./statement-export.policy.js";
import { renderStatementPdf } from "./statement-pdf.service.js";
import { loadStatement } from "./statements.service.js";

type Loaded = Awaited<ReturnType<typeof loadStatement>>;

/** What the exports are made from: one version of a statement, with its submission when it has one. */
export function exportOf(loaded: Loaded): StatementExport {
  const v = loaded.version;
  return {
    reference: loaded.incident.reference,
    rule: loaded.rule,
    id: loaded.statement.id,
    version: v.version,
    savedAt: v.savedAt,
    savedBy: v.savedBy,
    zone: loaded.incident.timeZone,
    fields: loaded.fields,
    missing: loaded.missing,
    submission: v.submittedAt
      ? { at: v.submittedAt, zone: v.submittedZone || "UTC", how: v.submittedHow, reference: v.submittedReference }
      : null,
  };
}

/** The statement (a version, or the newest) as an export, with its file name's stem. */
export async function loadStatementExport(deps: Deps, reference: string, id: string, version?: number) {
  const loaded = await loadStatement(deps, reference, id, version);
  const exported = exportOf(loaded);
  return { loaded, exported, stem: `${loaded.incident.reference}-${loaded.rule.id}-v${exported.version}` };
}

/** The statement as JSON: what the API answers and the .json export gives. */
export function statementJson(loaded: Loaded) {
  const { statement, version, rule } = loaded;
  return {
    id: statement.id,
    reference: loaded.incident.reference,
    rule: rule.id,
    party: rule.party,
    version: version.version,
    latestVersion: statement.version,
    isApplied: loaded.isApplied,
    followsId: statement.followsId,
    fields: loaded.fields,
    missing: loaded.missing.map((m) => m.key),
    missingItems: loaded.missing,
    items: statementSections(exportOf(loaded)).map(({ key, label, citation }) => ({ key, label, citation })),
    savedAt: version.savedAt.toISOString(),
    savedBy: version.savedBy,
    note: version.note,
    submission: version.submittedAt
      ? {
          submittedAt: version.submittedAt.toISOString(),
          zone: version.submittedZone,
          how: version.submittedHow,
          reference: version.submittedReference,
          ackFileName: version.ackFileName || null,
        }
      : null,
    versions: loaded.versions.map((v) => ({
      version: v.version,
      savedAt: v.savedAt.toISOString(),
      savedBy: v.savedBy,
      note: v.note,
      submittedAt: v.submittedAt?.toISOString() ?? null,
    })),
  };
}

export const statementTextOf = (exported: StatementExport) => statementText(exported);
export const statementPdfOf = (deps: Deps, exported: StatementExport) => renderStatementPdf(exported, deps.clock.now());
