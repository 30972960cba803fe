// The rows of the endpoint table (api-endpoints.ts) for the evidence pack (decision 0024).
import type { Deps } from "../deps.js";
import type { ApiEndpoint } from "./api-endpoints.js";
import { createApiEvidencePackHandlers } from "./api-evidence-pack.handlers.js";
import { evidencePackBody } from "./api-evidence-pack.schemas.js";

type Row = Omit<ApiEndpoint, "tag">;

/** Build and download an incident's evidence pack: the zip is the answer, streamed as it is built. */
export function evidencePackEndpoints(deps: Deps, incident: string): Row[] {
  const h = createApiEvidencePackHandlers(deps);
  return [
    {
      method: "post",
      role: "viewer",
      path: `${incident}/evidence-pack`,
      request: evidencePackBody,
      handler: h.build,
      summary:
        "Build the evidence pack and answer it (a zip, application/zip, streamed): parts as JSON and HTML, ledger.csv, the evidence files, the audit entries, manifest.json signed in manifest.sig. Audited",
      success: { status: 200, file: true },
    },
    {
      method: "get",
      role: "viewer",
      path: `${incident}/evidence-pack`,
      query: {
        names: ["include_personal_data"],
        notes: { include_personal_data: "true to include names and addresses (audited); false by default" },
      },
      handler: h.download,
      summary: "Download a newly built evidence pack (the same zip as POST, the choice in the query). Audited",
      success: { status: 200, file: true },
    },
  ];
}
