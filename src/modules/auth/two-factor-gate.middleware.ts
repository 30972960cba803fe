import type { NextFunction, Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { currentUser } from "../../web/access.js";
import { mustSetUpSecondFactor } from "./two-factor.service.js";

export const SETUP_PATH = "/account/two-factor/setup";
const OPEN_PATHS = [SETUP_PATH, "/logout", "/healthz"];

/**
 * REQUIRE_MFA: a signed-in user it applies to who has no second factor can open its setup page
 * and sign out, nothing else; a page is answered with a redirect to the setup, a form with 403.
 * Asked on every request (not only at sign-in), so sessions started before the setting changed,
 * or before an administrator reset the factor, are held too. Costs nothing when REQUIRE_MFA=none.
 */
export function secondFactorGate(deps: Deps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const user = currentUser(res);
    if (deps.config.REQUIRE_MFA === "none" || !user || OPEN_PATHS.includes(req.path) || req.path.startsWith("/static/")) {
      return next();
    }
    // A single sign-on whose provider's sign-in stands for the second factor (OIDC_MFA, decision 0031).
    if (req.session?.isSecondFactorByProvider) return next();
    if (!(await mustSetUpSecondFactor(deps, user))) return next();
    if (req.method === "GET") return res.redirect(303, SETUP_PATH);
    next(new AppError("forbidden", "Set up two-factor sign-in first: your organisation requires it."));
  };
}
