import type { Deps } from "../../deps.js";
import { listMappingsOfIncident } from "./person-import.repository.js";

/**
 * The imported columns an incident's people may have as attributes (columns that are not a
 * standard field): what audiences filter on and {{attribute:NAME}} placeholders name. Read from
 * the mappings of the incident's imports, not from the people (a million rows), in the order
 * the columns were first imported; a column without a header is kept as "column N", as the
 * import names it.
 */
export async function listIncidentAttributeNames(deps: Pick<Deps, "db">, incidentId: string): Promise<string[]> {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const mapping of await listMappingsOfIncident(deps.db.prisma, incidentId)) {
    Object.entries(mapping).forEach(([header, field], index) => {
      const name = header.trim() || `column ${index + 1}`;
      if (field === "attribute" && !seen.has(name.toLowerCase())) {
        seen.add(name.toLowerCase());
        names.push(name);
      }
    });
  }
  return names;
}
