import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Deps } from "../deps.js";
import { AppError } from "../lib/errors.js";
import { type ApiCaller, apiActorOf, authenticateApiToken, isAllowedByScope } from "../modules/api-tokens/index.js";
import type { Actor } from "../modules/audit/index.js";
import type { Role } from "../modules/users/index.js";
import { isAllowed } from "../web/access.js";
import { BEARER_CHALLENGE } from "./api-errors.js";

/**
 * Authenticates every API request by its bearer token alone: the API is mounted before the
 * session middleware, so a session cookie neither signs a request in nor needs a CSRF token.
 */
export function bearerAuth(deps: Deps): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get("authorization");
    if (!header) {
      return next(new AppError("unauthenticated", "Send an API token in the header Authorization: Bearer <token>."));
    }
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match?.[1]) {
      res.setHeader("WWW-Authenticate", `${BEARER_CHALLENGE}, error="invalid_request"`);
      return next(new AppError("unauthenticated", "The Authorization header must read: Bearer <token>."));
    }
    try {
      res.locals.apiCaller = await authenticateApiToken(deps, match[1]);
    } catch (error) {
      if (error instanceof AppError && error.code === "unauthenticated") {
        res.setHeader("WWW-Authenticate", `${BEARER_CHALLENGE}, error="invalid_token"`);
      }
      return next(error);
    }
    const { token } = res.locals.apiCaller as ApiCaller;
    if (!isAllowedByScope(token, req.method)) {
      return next(
        new AppError(
          "forbidden",
          `The token "${token.name}" has the read_only scope: it may only read (GET). Use a token with the full scope to make changes.`,
        ),
      );
    }
    next();
  };
}

/** The authenticated caller of an API request (set by bearerAuth). */
export function apiCallerOf(res: Response): ApiCaller {
  const caller = res.locals.apiCaller as ApiCaller | undefined;
  if (!caller) throw new Error("apiCallerOf used on a route without bearerAuth");
  return caller;
}

/** The audit actor of an API request: the token's owner, labelled "<email> (api: <token name>)". */
export function apiActor(req: Request, res: Response): Actor {
  return apiActorOf(apiCallerOf(res), req.ip ?? null);
}

/** Refuses (403) a caller whose owner's role is below the endpoint's. */
export function requireRole(role: Role): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const { user } = apiCallerOf(res);
    if (isAllowed(user.role as Role, role)) return next();
    next(
      new AppError(
        "forbidden",
        `This token acts as ${user.email}, a ${user.role}; this needs the ${role} role or higher. Ask an administrator if you need it.`,
      ),
    );
  };
}
