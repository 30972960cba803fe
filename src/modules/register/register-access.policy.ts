// Who reads which incident of the register (issue 16, decision 0030): the incidents module's
// rule, the same as its pages and lists follow. A restricted incident is left out for a reader
// who is neither on its team nor an administrator; the page, the CSV and the API follow.
import type { IncidentReader } from "../incidents/index.js";

/** Who reads the register. */
export interface RegisterReader {
  userId: string | null;
  role: string;
}

/** The register's reader as the incidents module's filter takes them; nobody signed in reads only open incidents. */
export function incidentReaderOf(reader: RegisterReader): IncidentReader {
  return { id: reader.userId ?? "", role: reader.userId ? reader.role : "viewer" };
}
