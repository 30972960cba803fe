// The rows of the endpoint table (api-endpoints.ts) for evidence files: kept here so the table
// stays one screen per part. Their handlers are in api-evidence.handlers.ts, their schemas in
// api-evidence.schemas.ts.
import type { Deps } from "../deps.js";
import type { ApiEndpoint } from "./api-endpoints.js";
import { createApiEvidenceHandlers } from "./api-evidence.handlers.js";
import * as E from "./api-evidence.schemas.js";

type Row = Omit<ApiEndpoint, "tag">;

/** The evidence files' endpoints under the incident's path. */
export function evidenceEndpoints(deps: Deps, incident: string): Row[] {
  const h = createApiEvidenceHandlers(deps);
  return [
    {
      method: "get",
      role: "viewer",
      path: `${incident}/evidence`,
      handler: h.list,
      summary: "List the evidence files, with their SHA-256 and size",
      success: { status: 200, schema: E.evidenceFileList },
    },
    {
      method: "post",
      role: "manager",
      path: `${incident}/evidence`,
      body: "multipart",
      handler: h.upload,
      summary: "Add an evidence file (multipart: file, and optional description, link, replaces), streamed to storage",
      success: { status: 201, schema: E.evidenceFile },
    },
    {
      method: "get",
      role: "viewer",
      path: `${incident}/evidence/:fileId`,
      handler: h.download,
      summary: "Download an evidence file's content (404 once deleted, saying when, by whom and why)",
      success: { status: 200, file: true },
    },
  ];
}
