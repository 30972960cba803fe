import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { listZones } from "../../lib/instants.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderFormError } from "../../web/forms.js";
import { keptFormOf } from "../../web/kept-form.js";
import {
  createFirstAdmin,
  findUsableToken,
  forgotPasswordSchema,
  loginSchema,
  newPasswordSchema,
  requestPasswordReset,
  serverZone,
  setupSchema,
} from "../users/index.js";
import { assertPasswordsAllowed, authenticate, completeSignIn, recordLogout } from "./auth.service.js";
import { isPasswordSignInAllowed, isSsoConfigured } from "./oidc.policy.js";
import { setPasswordThroughLink } from "./password-set.service.js";
import { mustSetUpSecondFactor } from "./two-factor.service.js";
import { SETUP_PATH } from "./two-factor-gate.middleware.js";
import { hasSecondFactor } from "./two-factor-sign-in.service.js";

/** Only same-site paths are followed after sign-in, never another host. */
export function safeNext(value: unknown): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/";
}

/**
 * Starts a fresh session for a user: a new session id, so an id fixed before sign-in is worthless.
 * A form kept when the last session expired comes along, to be refilled on its page.
 */
export function signIn(req: Request, userId: string): Promise<void> {
  const keptForm = req.session.keptForm;
  return new Promise((resolve, reject) =>
    req.session.regenerate((error) => {
      if (error) return reject(error);
      req.session.userId = userId;
      if (keptForm) req.session.keptForm = keptForm;
      resolve();
    }),
  );
}

/** What the sign-in page says above the form: why the person is there. */
function signInNotice(req: Request, next: string, now: Date): string | undefined {
  const kept = keptFormOf(req, now);
  if (kept) {
    return kept.fields
      ? "Your session had expired, so the form you sent was not saved. Sign in again to go back to it with what you typed filled in (passwords are never kept)."
      : "Your session had expired, so the form you sent was not saved. Sign in again to go back to the page.";
  }
  if (req.query.signedOut === "1") return "You are signed out.";
  return next !== "/" ? "Sign in to see that page." : undefined;
}

/** What the sign-in page offers besides the password: the provider's button, and whether passwords are off. */
function signInOptions(deps: Deps) {
  const config = deps.config;
  return {
    ssoName: isSsoConfigured(config) ? config.OIDC_PROVIDER_NAME : null,
    arePasswordsOff: config.LOCAL_PASSWORDS === "off",
  };
}

/** The setup form's locals: the zones, with the server's own offered first. */
function setupLocals() {
  return { title: "Set up Breachdesk", zones: listZones(), serverZone: serverZone() };
}

export function createAuthHandlers(deps: Deps, onSetupDone: () => void) {
  return {
    showLogin(req: Request, res: Response) {
      if (currentUser(res)) return res.redirect(303, "/");
      const next = safeNext(req.query.next);
      const notice = signInNotice(req, next, deps.clock.now());
      res.render("auth/login", { title: "Sign in", values: {}, next, notice, fieldErrors: {}, ...signInOptions(deps) });
    },

    async login(req: Request, res: Response) {
      const next = safeNext((req.body as Record<string, unknown>)?.next);
      const locals = { title: "Sign in", values: formValues(req, ["password"]), next, ...signInOptions(deps) };
      try {
        const input = parseInput(loginSchema, req.body);
        const user = await authenticate(deps, input.email, input.password, req.ip ?? null);
        if (await hasSecondFactor(deps, user.id)) {
          // Not signed in yet: the code page finishes the sign-in (two-factor.handlers.ts).
          req.session.pendingSignIn = { userId: user.id, next, startedAt: deps.clock.now().toISOString() };
          return res.redirect(303, "/login/code");
        }
        await completeSignIn(deps, user, req.ip ?? null);
        await signIn(req, user.id);
        res.redirect(303, (await mustSetUpSecondFactor(deps, user)) ? SETUP_PATH : next);
      } catch (error) {
        renderFormError(res, "auth/login", error, locals);
      }
    },

    async logout(req: Request, res: Response) {
      const actor = actorOf(req, res);
      if (actor.userId) await recordLogout(deps, actor);
      await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
      res.clearCookie("breachdesk.sid");
      res.redirect(303, "/login?signedOut=1");
    },

    showSetup(_req: Request, res: Response) {
      res.render("auth/setup", { ...setupLocals(), values: { timeZone: serverZone() }, fieldErrors: {} });
    },

    async setup(req: Request, res: Response) {
      try {
        const input = parseInput(setupSchema, req.body);
        const user = await createFirstAdmin(deps, input, req.ip ?? null);
        onSetupDone();
        await signIn(req, user.id);
        flash(req, "success", "Breachdesk is set up, and you are signed in as its first administrator.");
        res.redirect(303, "/");
      } catch (error) {
        renderFormError(res, "auth/setup", error, {
          ...setupLocals(),
          values: formValues(req, ["password", "confirm"]),
        });
      }
    },

    showForgot(_req: Request, res: Response) {
      res.render("auth/forgot", {
        title: "Reset your password",
        values: {},
        fieldErrors: {},
        sent: false,
        arePasswordsOff: deps.config.LOCAL_PASSWORDS === "off",
      });
    },

    async forgot(req: Request, res: Response) {
      try {
        const { email } = parseInput(forgotPasswordSchema, req.body);
        const actor = actorOf(req, res);
        // The link is made and mailed only once the answer has gone ("close" also follows a
        // client that hung up), so neither the answer nor its timing tells whether the address
        // has an account. A failure is logged for the operator; the asker learns nothing of it.
        res.once("close", () => {
          // LOCAL_PASSWORDS=off: a password is of use only to a break-glass administrator, so
          // nobody else is sent a link (the answer is the same either way).
          if (!isPasswordSignInAllowed(deps.config, email)) {
            deps.logger.info({ email }, "password reset not sent: passwords are off for this address");
            return;
          }
          requestPasswordReset(deps, email, actor).catch((error: unknown) =>
            deps.logger.error({ err: error }, "could not handle a password-reset request"),
          );
        });
        res.render("auth/forgot", { title: "Reset your password", values: {}, fieldErrors: {}, sent: true });
      } catch (error) {
        renderFormError(res, "auth/forgot", error, { title: "Reset your password", values: formValues(req), sent: false });
      }
    },

    async showSetPassword(req: Request, res: Response) {
      const found = await findUsableToken(deps, String(req.params.token));
      if (!found) throw new AppError("not_found", "This link has expired or was used already. Ask for a new one.");
      assertPasswordsAllowed(deps, found.user.email);
      res.render("auth/set-password", {
        title: "Choose a password",
        email: found.user.email,
        isInvite: found.purpose === "invite",
        fieldErrors: {},
      });
    },

    async setPassword(req: Request, res: Response) {
      const token = String(req.params.token);
      try {
        const linked = await findUsableToken(deps, token);
        if (linked) assertPasswordsAllowed(deps, linked.user.email);
        const { password } = parseInput(newPasswordSchema, req.body);
        const user = await setPasswordThroughLink(deps, token, password, req.ip ?? null);
        if (await hasSecondFactor(deps, user.id)) {
          // A mailbox alone does not open an account with a second factor: the code is still asked.
          req.session.pendingSignIn = { userId: user.id, next: "/", startedAt: deps.clock.now().toISOString() };
          flash(req, "success", "Your password is set. Enter your code to finish signing in.");
          return res.redirect(303, "/login/code");
        }
        await signIn(req, user.id);
        flash(req, "success", "Your password is set, and you are signed in.");
        res.redirect(303, "/");
      } catch (error) {
        const found = await findUsableToken(deps, token);
        if (!found) throw error;
        renderFormError(res, "auth/set-password", error, {
          title: "Choose a password",
          email: found.user.email,
          isInvite: found.purpose === "invite",
        });
      }
    },
  };
}

export { formValues, renderFormError };
