// The regulators' acknowledgments, which the statements module keeps with each submitted
// version: listed on the evidence page beside the evidence files, read through its face.
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { listIncidentStatements, loadStatement } from "../statements/index.js";

export interface AcknowledgmentFile {
  ruleId: string;
  party: string;
  version: number;
  fileName: string;
  submittedAt: Date | null;
  href: string;
}

/** Every acknowledgment file kept with a submitted statement version of the incident. */
export async function listAcknowledgmentFiles(deps: Deps, incident: Incident): Promise<AcknowledgmentFile[]> {
  const rows = await listIncidentStatements(deps, incident);
  const acks: AcknowledgmentFile[] = [];
  for (const row of rows) {
    if (!row.statement || row.submittedVersion === null) continue;
    const { versions } = await loadStatement(deps, incident.reference, row.statement.id);
    for (const v of versions) {
      if (!v.ackFilePath) continue;
      acks.push({
        ruleId: row.ruleId,
        party: row.party,
        version: v.version,
        fileName: v.ackFileName,
        submittedAt: v.submittedAt,
        href: `/incidents/${encodeURIComponent(incident.reference)}/statements/${row.statement.id}/versions/${v.version}/acknowledgment`,
      });
    }
  }
  return acks;
}
