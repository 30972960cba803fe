import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { currentUser } from "../../web/access.js";
import { safeNext, signIn } from "./auth.handlers.js";
import { finishFlow, redirectUriOf, type SsoFlow, startFlow } from "./oidc.client.js";
import { isSsoConfigured } from "./oidc.policy.js";
import { signInThroughSso } from "./oidc.service.js";
import { mustSetUpSecondFactor } from "./two-factor.service.js";
import { SETUP_PATH } from "./two-factor-gate.middleware.js";

declare module "express-session" {
  interface SessionData {
    /** A single sign-on on its way to the provider and back: state, nonce and PKCE verifier, used once. */
    ssoFlow?: SsoFlow;
    /** The session was signed in through the provider, whose sign-in stands for the second factor (OIDC_MFA). */
    isSecondFactorByProvider?: boolean;
  }
}

/** How long the provider's sign-in page may take before the flow must start again. */
const FLOW_MS = 10 * 60_000;

/** The page that says why a single sign-on did not happen, with the way back to the sign-in page. */
function renderProblem(res: Response, error: unknown) {
  if (!(error instanceof AppError)) throw error;
  const titles: Partial<Record<number, string>> = {
    401: "Single sign-on not completed",
    403: "Sign-in refused",
    503: "Single sign-on unavailable",
  };
  res
    .status(error.status)
    .render("auth/sso-problem", { title: titles[error.status] ?? "Single sign-on", message: error.message });
}

export function createOidcHandlers(deps: Deps) {
  function assertConfigured() {
    if (!isSsoConfigured(deps.config)) throw new AppError("not_found", "Single sign-on is not set up here.");
  }

  return {
    /** GET /login/sso: a fresh flow in the session (replacing any earlier one), then off to the provider. */
    async start(req: Request, res: Response) {
      assertConfigured();
      if (currentUser(res)) return res.redirect(303, "/");
      try {
        const { url, flow } = await startFlow(deps, safeNext(req.query.next));
        req.session.ssoFlow = flow;
        res.redirect(303, url.href);
      } catch (error) {
        renderProblem(res, error);
      }
    },

    /**
     * GET /login/sso/callback: the provider sends the browser back here. The flow is taken out of
     * the session before anything else, so a callback URL works once: sent again (a replayed
     * state, a reloaded page), it finds no flow and is refused.
     */
    async callback(req: Request, res: Response) {
      assertConfigured();
      const flow = req.session.ssoFlow;
      delete req.session.ssoFlow;
      try {
        if (!flow || deps.clock.now().getTime() - Date.parse(flow.startedAt) > FLOW_MS) {
          throw new AppError(
            "unauthenticated",
            "This sign-in was finished already, has expired, or was started in another browser, so it cannot be used. Start again from the sign-in page.",
          );
        }
        const callbackUrl = new URL(redirectUriOf(deps.config));
        callbackUrl.search = new URL(req.originalUrl, "http://x").search;
        const claims = await finishFlow(deps, callbackUrl, flow);
        const result = await signInThroughSso(deps, claims, req.ip ?? null);
        if (result.mustEnterCode) {
          // Not signed in yet: Breachdesk's own code finishes it (two-factor.handlers.ts).
          req.session.pendingSignIn = { userId: result.user.id, next: flow.next, startedAt: deps.clock.now().toISOString() };
          return res.redirect(303, "/login/code");
        }
        await signIn(req, result.user.id);
        if (result.isSecondFactorByProvider) req.session.isSecondFactorByProvider = true;
        const mustSetUp = !result.isSecondFactorByProvider && (await mustSetUpSecondFactor(deps, result.user));
        res.redirect(303, mustSetUp ? SETUP_PATH : flow.next);
      } catch (error) {
        renderProblem(res, error);
      }
    },
  };
}
