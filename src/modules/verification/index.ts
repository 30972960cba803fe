// The verification module's face: what the campaigns' fan-out, the ledger, the API and tests use.
// The wiring places import verification.routes.ts. See README.md.

export { type MalformedCode, type VerificationAnswer, verifyNoticeCode } from "./verification.service.js";
export { codeBytesColumn, newCodeSql } from "./verification.sql.js";
export {
  CODE_ALPHABET,
  CODE_LENGTH,
  EXAMPLE_CODE,
  formatCode,
  type ReadCode,
  readCode,
} from "./verification-code.policy.js";
export { retryAfterOf, VERIFY_RATE_LIMIT, verifyRateLimit } from "./verification-rate-limit.middleware.js";
