import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { renderFormError } from "../../web/forms.js";
import { signIn } from "./auth.handlers.js";
import { newTotpSecret } from "./two-factor.policy.js";
import {
  confirmSecondFactor,
  describeNewSecret,
  loadSecondFactorState,
  renewRecoveryCodes,
  resetSecondFactor,
  switchOffSecondFactor,
} from "./two-factor.service.js";
import { checkSecondStep } from "./two-factor-sign-in.service.js";

declare module "express-session" {
  interface SessionData {
    /** A sign-in whose password passed and which waits for its second factor (never a signed-in session). */
    pendingSignIn?: { userId: string; next: string; startedAt: string };
    /** The secret the setup page showed, until a code from it is confirmed. */
    twoFactorSetupSecret?: string;
  }
}

/** How long the code page waits after the password before the sign-in starts again. */
const PENDING_MS = 10 * 60_000;

function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value : "";
}

/** Shows a refusal on the account page, where the second factor's forms are. */
async function onAccountPage(req: Request, res: Response, action: () => Promise<void>) {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    flash(req, "error", error.message);
    res.redirect(303, "/account#two-factor");
  }
}

export function createTwoFactorHandlers(deps: Deps) {
  function pendingOf(req: Request) {
    const pending = req.session.pendingSignIn;
    if (!pending) return null;
    if (deps.clock.now().getTime() - Date.parse(pending.startedAt) > PENDING_MS) {
      delete req.session.pendingSignIn;
      return null;
    }
    return pending;
  }

  async function renderSetup(req: Request, res: Response, status = 200, error?: AppError) {
    const user = currentUser(res)!;
    req.session.twoFactorSetupSecret ??= newTotpSecret();
    const secret = req.session.twoFactorSetupSecret;
    const shown = await describeNewSecret(user, secret);
    const locals = { title: "Set up two-factor sign-in", secret, ...shown, state: await loadSecondFactorState(deps, user) };
    if (error) return renderFormError(res, "auth/two-factor-setup", error, locals);
    res.status(status).render("auth/two-factor-setup", { ...locals, fieldErrors: {} });
  }

  return {
    showCode(req: Request, res: Response) {
      if (!pendingOf(req)) return res.redirect(303, "/login");
      res.render("auth/code", { title: "Enter your code", fieldErrors: {} });
    },

    async checkCode(req: Request, res: Response) {
      const pending = pendingOf(req);
      if (!pending) {
        flash(req, "info", "That sign-in took too long or was finished already. Sign in again.");
        return res.redirect(303, "/login");
      }
      try {
        const { user, recoveryCodesLeft } = await checkSecondStep(deps, pending.userId, field(req, "code"), req.ip ?? null);
        await signIn(req, user.id);
        if (recoveryCodesLeft !== null) {
          flash(
            req,
            recoveryCodesLeft < 3 ? "error" : "info",
            `You signed in with a recovery code, which now no longer works. ${recoveryCodesLeft} ${recoveryCodesLeft === 1 ? "is" : "are"} left: make new ones on your account page if you are running short.`,
          );
        }
        res.redirect(303, pending.next);
      } catch (error) {
        renderFormError(res, "auth/code", error, { title: "Enter your code" });
      }
    },

    async showSetup(req: Request, res: Response) {
      const state = await loadSecondFactorState(deps, currentUser(res)!);
      if (state.isOn) {
        flash(req, "info", "Two-factor sign-in is already on. To use another device, switch it off and set it up again.");
        return res.redirect(303, "/account#two-factor");
      }
      await renderSetup(req, res);
    },

    async confirmSetup(req: Request, res: Response) {
      const secret = req.session.twoFactorSetupSecret;
      if (!secret) return res.redirect(303, "/account/two-factor/setup");
      try {
        const codes = await confirmSecondFactor(deps, actorOf(req, res), currentUser(res)!, secret, field(req, "code"));
        delete req.session.twoFactorSetupSecret;
        res.render("auth/recovery-codes", { title: "Your recovery codes", codes, isNew: true });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        await renderSetup(req, res, 400, error);
      }
    },

    async switchOff(req: Request, res: Response) {
      await onAccountPage(req, res, async () => {
        await switchOffSecondFactor(deps, actorOf(req, res), currentUser(res)!, field(req, "password"));
        flash(req, "success", "Two-factor sign-in is off: you sign in with your password alone.");
        res.redirect(303, "/account#two-factor");
      });
    },

    async newRecoveryCodes(req: Request, res: Response) {
      await onAccountPage(req, res, async () => {
        const codes = await renewRecoveryCodes(deps, actorOf(req, res), currentUser(res)!, field(req, "password"));
        res.render("auth/recovery-codes", { title: "Your recovery codes", codes, isNew: false });
      });
    },

    async reset(req: Request, res: Response) {
      const id = String(req.params.id);
      try {
        if (field(req, "confirm") !== "yes") {
          throw new AppError("validation", "Tick the box to confirm the reset of their two-factor sign-in.");
        }
        const user = await resetSecondFactor(deps, actorOf(req, res), id);
        flash(req, "success", `The two-factor sign-in of ${user.name} is reset, and they were told by e-mail.`);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        flash(req, "error", error.message);
      }
      res.redirect(303, `/admin/users/${encodeURIComponent(id)}`);
    },
  };
}
