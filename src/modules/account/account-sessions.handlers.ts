import type { NextFunction, Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { listUserApiTokens } from "../api-tokens/index.js";
import { endUserSession, listUserSessions, signOutEverywhere } from "./account-sessions.service.js";

const ACCOUNT_LIST = "/account#sessions-and-tokens";

function confirmed(req: Request, message: string): void {
  if ((req.body as Record<string, unknown>)?.confirm !== "yes") throw new AppError("validation", message);
}

export function createAccountSessionsHandlers(deps: Deps) {
  return {
    /** Puts the user's sessions and API tokens on the account page's locals (its partial account/sessions reads them). */
    async loadForAccountPage(req: Request, res: Response, next: NextFunction) {
      const user = currentUser(res);
      if (!user) return next();
      res.locals.accountSessions = await listUserSessions(deps, user.id, req.sessionID);
      res.locals.accountTokens = (await listUserApiTokens(deps, user.id)).filter((t) => !t.revokedAt);
      res.locals.now = deps.clock.now();
      res.locals.sessionTtlHours = deps.config.SESSION_TTL_HOURS;
      next();
    },

    /** Ends one of the user's sessions; ending the current one signs them out. */
    async endSession(req: Request, res: Response) {
      const user = currentUser(res)!;
      try {
        confirmed(req, "Tick the box to confirm that the session should end.");
        const ended = await endUserSession(deps, actorOf(req, res), user.id, String(req.params.id), req.sessionID);
        if (ended.isCurrent) {
          // Its row is gone: drop it from the request too, so nothing saves it back.
          return req.session.destroy(() => res.redirect(303, "/login?signedOut=1"));
        }
        flash(req, "success", `The session in ${ended.client} has ended: its next page asks to sign in.`);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        flash(req, "error", error.message);
      }
      res.redirect(303, ACCOUNT_LIST);
    },

    /** An administrator ends every session and API token of a user, who is told by e-mail. */
    async signOutEverywhere(req: Request, res: Response) {
      const id = String(req.params.id);
      try {
        confirmed(req, "Tick the box to confirm that every session and API token of this user should end.");
        const done = await signOutEverywhere(deps, actorOf(req, res), id);
        const tokens = `${done.apiTokensRevoked} API ${done.apiTokensRevoked === 1 ? "token" : "tokens"}`;
        const sessions = `${done.sessionsEnded} ${done.sessionsEnded === 1 ? "session" : "sessions"}`;
        const mail = done.isMailed
          ? "They were told by e-mail."
          : "The e-mail telling them could not be sent: tell them yourself.";
        if (done.user.id === currentUser(res)?.id) {
          return req.session.destroy(() => res.redirect(303, "/login?signedOut=1"));
        }
        flash(req, done.isMailed ? "success" : "error", `Ended ${sessions} and revoked ${tokens} of ${done.user.name}. ${mail}`);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        flash(req, "error", error.message);
      }
      res.redirect(303, `/admin/users/${id}`);
    },
  };
}
