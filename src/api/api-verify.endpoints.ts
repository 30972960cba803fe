// The row of the endpoint table (api-endpoints.ts) for "is this notice genuine?": open to anyone
// (no token), rate limited per client, answering what the /verify page answers (decision 0019).
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Deps } from "../deps.js";
import { AppError } from "../lib/errors.js";
import { retryAfterOf, verifyNoticeCode, verifyRateLimit } from "../modules/verification/index.js";
import type { ApiEndpoint } from "./api-endpoints.js";
import { verifyAnswer, verifyBody } from "./api-verify.schemas.js";

type Row = Omit<ApiEndpoint, "tag">;

/** POST /verify: the rate limit, then the look-up; a code that cannot be one is a 400 naming what is wrong. */
export function verifyEndpoints(deps: Deps): Row[] {
  const limit = verifyRateLimit((req, _res, next) => {
    const wait = retryAfterOf(req).words;
    next(new AppError("rate_limited", `Too many codes were checked from your network address. Wait ${wait} and try again.`));
  });
  const lookUp = async (req: Request, res: Response, _next: NextFunction) => {
    const code = (req.body as Record<string, unknown>).code;
    const answer = await verifyNoticeCode(deps, typeof code === "string" ? code.slice(0, 100) : "");
    req.log?.info(
      { verification: answer.code === null ? "malformed" : answer.isGenuine ? "genuine" : "unknown" },
      "notice code looked up",
    );
    if (answer.code === null) throw new AppError("validation", answer.message, { code: answer.message });
    res.json(answer);
  };
  // The limiter, then the look-up, as one handler: the table has one handler a row.
  const handler: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const afterLimit = (error?: unknown) => (error ? next(error) : lookUp(req, res, next).catch(next));
    Promise.resolve(limit(req, res, afterLimit)).catch(next);
  };
  return [
    {
      method: "post",
      path: "/verify",
      role: "viewer",
      isPublic: true,
      handler,
      summary: "Is this notice genuine? Whether Breachdesk sent a notice with this verification code (no token; rate limited)",
      success: { status: 200, schema: verifyAnswer },
      request: verifyBody,
    },
  ];
}
