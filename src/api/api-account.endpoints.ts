// The rows of the endpoint table (api-endpoints.ts) for the token owner's own sessions and API
// tokens (decision 0028). Every role may call them; a read_only token may only list.
import type { Deps } from "../deps.js";
import { createApiAccountHandlers } from "./api-account.handlers.js";
import * as S from "./api-account.schemas.js";
import type { ApiEndpoint } from "./api-endpoints.js";

type Row = Omit<ApiEndpoint, "tag">;

export function accountEndpoints(deps: Deps): Row[] {
  const h = createApiAccountHandlers(deps);
  const own = { role: "viewer" as const };
  return [
    {
      ...own,
      method: "get",
      path: "/me/sessions",
      handler: h.listSessions,
      summary: "Your sessions that have not ended: when each started and was last seen, its client and address",
      success: { status: 200, schema: S.sessions },
    },
    {
      ...own,
      method: "delete",
      path: "/me/sessions/:id",
      handler: h.endSession,
      summary: "End one of your sessions (its id from GET /me/sessions): its next page asks to sign in",
      success: { status: 204 },
    },
    {
      ...own,
      method: "get",
      path: "/me/tokens",
      handler: h.listTokens,
      summary: "Your API tokens, revoked ones included (never the secret): scope, created, last used, expiry",
      success: { status: 200, schema: S.tokens },
    },
    {
      ...own,
      method: "delete",
      path: "/me/tokens/:id",
      handler: h.revokeToken,
      summary: "Revoke one of your API tokens (the one making the call too): it is refused from then on",
      success: { status: 204 },
      canConflict: true,
    },
  ];
}
