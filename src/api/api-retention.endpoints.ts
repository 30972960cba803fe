// The rows of the endpoint table (api-endpoints.ts) for the retention of affected people's data:
// kept here so the table stays one screen per part. Their handlers are in
// api-retention.handlers.ts, their schemas in api-retention.schemas.ts.
import type { Deps } from "../deps.js";
import type { ApiEndpoint } from "./api-endpoints.js";
import { createApiRetentionHandlers } from "./api-retention.handlers.js";
import * as S from "./api-retention.schemas.js";

type Row = Omit<ApiEndpoint, "tag">;

/** The retention rule, the legal hold, the purge and the hashed-address lookup under the incident's path. */
export function retentionEndpoints(deps: Deps, incident: string): Row[] {
  const h = createApiRetentionHandlers(deps);
  const path = `${incident}/retention`;
  return [
    {
      method: "get",
      role: "viewer",
      path,
      handler: h.show,
      summary:
        "Read the retention rule of the affected people's data: the days after closure, the legal hold, the purge date or what was purged",
      success: { status: 200, schema: S.retentionRule },
    },
    {
      method: "post",
      role: "manager",
      path,
      handler: h.setRule,
      request: S.retentionRuleBody,
      summary:
        "Set the incident's own days after closure (null: the default) and the evidence files' setting; audited (409 once purged)",
      success: { status: 200, schema: S.retentionRule },
      canConflict: true,
    },
    {
      method: "post",
      role: "manager",
      path: `${path}/hold`,
      handler: h.setHold,
      request: S.legalHoldBody,
      summary: "Set a legal hold with its reason, or lift it; audited (409 once purged)",
      success: { status: 200, schema: S.retentionRule },
      canConflict: true,
    },
    {
      method: "post",
      role: "manager",
      path: `${path}/purge`,
      body: "none",
      handler: h.purge,
      summary:
        "Run the due purge of the affected people's data (finishes one a crash stopped); cannot be undone (409 while held, open or not due)",
      success: { status: 200, schema: S.purgeResult },
      canConflict: true,
    },
    {
      method: "post",
      role: "viewer",
      path: `${path}/lookup`,
      handler: h.lookup,
      request: S.lookupBody,
      summary: "Was this address notified? Answered by the address's keyed hash, also after the purge",
      success: { status: 200, schema: S.lookupAnswer },
    },
  ];
}
