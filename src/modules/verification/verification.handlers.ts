import type { Request, Response } from "express";
import { DateTime } from "luxon";
import type { Deps } from "../../deps.js";
import { verifyNoticeCode } from "./verification.service.js";
import { EXAMPLE_CODE } from "./verification-code.policy.js";
import { retryAfterOf } from "./verification-rate-limit.middleware.js";

/** The longest input read: a code with spaces and dashes is 14 to 20 characters. */
const MAX_TYPED = 100;

/** What a request's body says the code is, cut to MAX_TYPED characters ("" when absent). */
export function typedCodeOf(body: unknown, query?: unknown): string {
  const fromBody = (body as Record<string, unknown> | undefined)?.code;
  const fromQuery = (query as Record<string, unknown> | undefined)?.code;
  const typed = typeof fromBody === "string" ? fromBody : typeof fromQuery === "string" ? fromQuery : "";
  return typed.slice(0, MAX_TYPED);
}

/** The summary above the form when the typed text cannot be a code; the field says why. */
const NOT_A_CODE = "That is not a verification code.";

/** The page's locals around what a request found. */
function page(extra: Record<string, unknown>) {
  return {
    title: "Is this notice genuine?",
    example: EXAMPLE_CODE,
    answer: null,
    error: null,
    fieldErrors: {},
    value: "",
    ...extra,
  };
}

/** The public /verify page: a form with one field, and the answer about the code typed. */
export function createVerificationHandlers(deps: Deps) {
  return {
    form(_req: Request, res: Response) {
      res.render("verify/index", page({}));
    },

    async check(req: Request, res: Response) {
      const typed = typedCodeOf(req.body);
      const answer = await verifyNoticeCode(deps, typed);
      // Counted in the log (no code, no audit entry): the page is public.
      const outcome = answer.code === null ? "malformed" : answer.isGenuine ? "genuine" : "unknown";
      req.log?.info({ verification: outcome }, "notice code looked up");
      if (answer.code === null) {
        res.status(400).render("verify/index", page({ value: typed, error: NOT_A_CODE, fieldErrors: { code: answer.message } }));
        return;
      }
      const sentOnText = answer.sentOn ? DateTime.fromISO(answer.sentOn).setLocale("en-GB").toFormat("d LLLL yyyy") : "";
      res.render("verify/index", page({ value: answer.code, answer, sentOnText }));
    },

    /** Over the limit (429): the form again, saying how long to wait. */
    limited(req: Request, res: Response) {
      const wait = retryAfterOf(req).words;
      res.status(429).render(
        "verify/index",
        page({
          value: typedCodeOf(req.body),
          error: `Too many codes were checked from your network address. Wait ${wait} and try again.`,
          isLimited: true,
        }),
      );
    },
  };
}
