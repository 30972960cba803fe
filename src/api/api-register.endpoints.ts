// The row of the endpoint table (api-endpoints.ts) for the breach register: kept here so the
// table stays one screen per part. Its handler is in api-register.handlers.ts, its answer's
// schema in api-register.schemas.ts.
import type { Deps } from "../deps.js";
import { registerFilterSchema } from "../modules/register/index.js";
import type { ApiEndpoint } from "./api-endpoints.js";
import { createApiRegisterHandlers } from "./api-register.handlers.js";
import * as S from "./api-register.schemas.js";

type Row = Omit<ApiEndpoint, "tag">;

/** GET /register: every incident with its record, filtered by year and status. */
export function registerEndpoints(deps: Deps): Row[] {
  const h = createApiRegisterHandlers(deps);
  return [
    {
      method: "get",
      path: "/register",
      role: "viewer",
      handler: h.list,
      summary: "The breach register: every incident, notified or not, with its decision and the notifications made",
      success: { status: 200, schema: S.register },
      query: {
        names: Object.keys(registerFilterSchema.shape),
        notes: {
          year: "the year of the incident's reference (BD-2026-...); every year when left out",
          status: "one status; every status when left out",
        },
      },
    },
  ];
}
