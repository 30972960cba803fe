import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { AppError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";

/** The one error body of the API. fields is present only when there are field errors. */
export interface ApiErrorBody {
  error: {
    status: number;
    code: string;
    message: string;
    fields?: Record<string, string>;
    requestId: string;
  };
}

/** An API-only failure that is not a domain error: unsupported media type, malformed JSON. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Gives every API response a request id, even where no logger middleware ran before the API. */
export function ensureRequestId(_req: Request, res: Response, next: NextFunction): void {
  if (!res.getHeader("x-request-id")) res.setHeader("x-request-id", randomUUID());
  next();
}

/** The 404 for any path under the API that no endpoint answered. */
export function apiNotFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new ApiError(404, "not_found", "There is no API endpoint at this address. See docs/API.md."));
}

/**
 * Refuses a POST whose body is not JSON (415), and one whose JSON is not an object (400),
 * before anything reads it.
 */
export function requireJsonObject(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is(["application/json", "application/*+json"])) {
    next(new ApiError(415, "unsupported_media_type", "Send a JSON object with Content-Type: application/json."));
  } else if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) {
    next(new ApiError(400, "invalid_body", "The body must be a JSON object."));
  } else {
    next();
  }
}

/** body-parser's errors carry a status and a type such as "entity.parse.failed". */
function bodyErrorOf(error: unknown): ApiError | null {
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (typeof status !== "number" || typeof type !== "string") return null;
  if (type === "entity.parse.failed") return new ApiError(400, "invalid_json", "The body is not valid JSON.");
  if (type === "entity.too.large") return new ApiError(413, "payload_too_large", "The body is larger than 1 MB.");
  if (type === "encoding.unsupported" || type === "charset.unsupported") {
    return new ApiError(415, "unsupported_media_type", "Send the body as UTF-8 JSON.");
  }
  return status >= 400 && status < 500 ? new ApiError(status, "bad_request", "The request could not be read.") : null;
}

/**
 * Maps every error under the API to the one JSON format. An AppError keeps its code, message
 * and field messages; anything unexpected is logged and answered as a 500 with only the
 * request id, never a stack.
 */
export function apiErrorHandler(logger: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const requestId = String(res.getHeader("x-request-id") ?? "");
    let body: ApiErrorBody["error"];
    const known = error instanceof ApiError ? error : bodyErrorOf(error);
    if (error instanceof AppError) {
      const hasFields = Object.keys(error.fieldErrors).length > 0;
      body = {
        status: error.status,
        code: error.code,
        message: error.message,
        ...(hasFields ? { fields: error.fieldErrors } : {}),
        requestId,
      };
    } else if (known) {
      body = { status: known.status, code: known.code, message: known.message, requestId };
    } else {
      logger.error({ err: error, requestId }, "unhandled API error");
      body = {
        status: 500,
        code: "internal",
        message: "Something went wrong on our side. The error was logged; quote the request id when you report it.",
        requestId,
      };
    }
    if (res.headersSent) return;
    // The bearer check sets a more precise challenge (error="invalid_token") when it can.
    if (body.status === 401 && !res.getHeader("www-authenticate")) res.setHeader("WWW-Authenticate", BEARER_CHALLENGE);
    res.status(body.status).json({ error: body });
  };
}

export const BEARER_CHALLENGE = 'Bearer realm="breachdesk"';
