// The api-tokens module's face: what the API's authentication, the `breachdesk tokens` command and
// the account module's credential review use. The wiring places import api-tokens.routes.ts directly.

export { type ApiTokenScope, createApiTokenSchema } from "./api-tokens.schemas.js";
export {
  type ApiCaller,
  type ApiTokenView,
  apiActorOf,
  authenticateApiToken,
  countLiveApiTokens,
  createApiTokenForEmail,
  isAllowedByScope,
  listApiTokensIssuedSince,
  listUserApiTokens,
  revokeAllApiTokensOf,
  revokeApiToken,
} from "./api-tokens.service.js";
