import type { NextFunction, Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { currentUser } from "../../web/access.js";
import { USER_AGENT_MAX } from "./session-client.policy.js";
import { noteSignInClient } from "./sign-in-clients.service.js";

/**
 * Records on a signed-in session the client it runs in (User-Agent, address), once: on its
 * first request after sign-in, which is also when a new client is e-mailed about. It runs
 * after loadCurrentUser, so it sees only sessions of active users that finished signing in.
 */
export function recordSessionClient(deps: Deps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const user = currentUser(res);
    if (!user || !req.session || req.session.client) return next();
    const userAgent = req.get("user-agent")?.slice(0, USER_AGENT_MAX) ?? null;
    const ip = req.ip ?? null;
    req.session.client = { userAgent, ip };
    try {
      await noteSignInClient(deps, user, userAgent, ip);
    } catch (error) {
      // The page matters more than the notice: log it and carry on.
      deps.logger.error({ err: error, userId: user.id }, "could not record the client of a sign-in");
    }
    next();
  };
}
