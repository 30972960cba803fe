// The rows of the endpoint table (api-endpoints.ts) for the public report: kept here so the table
// stays one screen per part. Their handlers are in api-public-report.handlers.ts, their schemas
// in api-public-report.schemas.ts.
import type { Deps } from "../deps.js";
import type { ApiEndpoint } from "./api-endpoints.js";
import { createApiPublicReportHandlers } from "./api-public-report.handlers.js";
import * as P from "./api-public-report.schemas.js";

type Row = Omit<ApiEndpoint, "tag">;

/** The public report's endpoints under the incident's path. */
export function publicReportEndpoints(deps: Deps, incident: string): Row[] {
  const h = createApiPublicReportHandlers(deps);
  const base = `${incident}/public-report`;
  const read = { method: "get", role: "viewer" } as const;
  const change = { method: "post", role: "manager" } as const;
  return [
    {
      ...read,
      path: base,
      handler: h.show,
      summary: "Read the public report: draft, status, address, versions",
      success: { status: 200, schema: P.publicReport },
    },
    {
      ...change,
      path: base,
      handler: h.save,
      summary: "Save the draft (a text left out keeps its value); the public page changes only when published",
      success: { status: 200, schema: P.publicReport },
      request: P.publicReportDraftBody,
    },
    {
      ...change,
      path: `${base}/publish`,
      body: "none",
      handler: h.publish,
      summary: "Publish the saved draft as the next version; answers its public address, readable without signing in",
      success: { status: 200, schema: P.publicReportPublished },
      canConflict: true,
    },
    {
      ...change,
      path: `${base}/unpublish`,
      body: "none",
      handler: h.unpublish,
      summary: "Take the public report down (409 when it is not published); the versions are kept",
      success: { status: 200, schema: P.publicReport },
      canConflict: true,
    },
    {
      ...read,
      path: `${base}/versions`,
      handler: h.versions,
      summary: "The versions published, newest first",
      success: { status: 200, schema: P.publicReportVersions },
    },
    {
      ...read,
      path: `${base}/versions/:version`,
      handler: h.version,
      summary: "One published version with the content its page showed",
      success: { status: 200, schema: P.publicReportVersion },
    },
  ];
}
