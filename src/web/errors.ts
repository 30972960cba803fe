import type { NextFunction, Request, Response } from "express";
import { AppError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";

function wantsJson(req: Request): boolean {
  return req.path.startsWith("/api/") || req.accepts(["html", "json"]) === "json";
}

/** The 404 for any path no route answered. */
export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new AppError("not_found", "There is no page at this address."));
}

/**
 * Maps errors to pages (or JSON for API clients). An AppError shows its own message; anything
 * else is logged with its stack and shown as a 500 that carries only the request id.
 */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const requestId = String(res.getHeader("x-request-id") ?? "");
    let status = 500;
    let message = "Something went wrong on our side. The error was logged; quote the reference below when you report it.";
    if (error instanceof AppError) {
      status = error.status;
      message = error.message;
    } else if (isBodyError(error)) {
      status = error.status;
      message = error.status === 413 ? "What you sent is too large." : "The request could not be read.";
    } else {
      logger.error({ err: error, requestId }, "unhandled error");
    }
    if (res.headersSent) return;
    res.status(status);
    if (wantsJson(req)) {
      res.json({ error: { status, message, requestId } });
      return;
    }
    res.render("errors/error", { title: titleOf(status), status, message, requestId }, (renderError, html) => {
      if (!renderError) return void res.send(html);
      // The error page itself failed: answer with fixed text, never the template's stack.
      logger.error({ err: renderError, requestId }, "error page failed to render");
      res.type("text/plain").send(`${titleOf(status)}. Reference: ${requestId}`);
    });
  };
}

function isBodyError(error: unknown): error is { status: number } {
  const status = (error as { status?: unknown; type?: unknown })?.status;
  return typeof status === "number" && status >= 400 && status < 500 && typeof (error as { type?: unknown }).type === "string";
}

function titleOf(status: number): string {
  switch (status) {
    case 401:
      return "Sign in to continue";
    case 403:
      return "Not allowed";
    case 404:
      return "Page not found";
    case 409:
      return "Not possible right now";
    case 429:
      return "Too many attempts";
    case 503:
      return "Temporarily unavailable";
    default:
      return status >= 500 ? "Something went wrong" : "Request refused";
  }
}
