import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderFormError } from "../../web/forms.js";
import { createApiTokenSchema } from "./api-tokens.schemas.js";
import { createApiToken, listUserApiTokens, revokeApiToken } from "./api-tokens.service.js";

const TOKENS_PATH = "/account/tokens";

export function createApiTokensHandlers(deps: Deps) {
  async function pageLocals(res: Response) {
    const user = currentUser(res)!;
    return {
      title: "API tokens",
      tokens: await listUserApiTokens(deps, user.id),
      now: deps.clock.now(),
      values: {},
      fieldErrors: {},
    };
  }

  return {
    async list(_req: Request, res: Response) {
      res.render("account/tokens", await pageLocals(res));
    },

    /** Answers with the page itself rather than a redirect: the new token must not be kept in the session to survive one. */
    async create(req: Request, res: Response) {
      const user = currentUser(res)!;
      try {
        const input = parseInput(createApiTokenSchema, req.body);
        const { token, apiToken } = await createApiToken(deps, user.id, input, actorOf(req, res));
        res.set("Cache-Control", "no-store");
        res
          .status(201)
          .render("account/tokens", { ...(await pageLocals(res)), newToken: { secret: token, name: apiToken.name } });
      } catch (error) {
        renderFormError(res, "account/tokens", error, { ...(await pageLocals(res)), values: formValues(req) });
      }
    },

    async revoke(req: Request, res: Response) {
      const user = currentUser(res)!;
      try {
        if ((req.body as Record<string, unknown>)?.confirm !== "yes") {
          throw new AppError("validation", "Tick the box to confirm that the token should stop working.");
        }
        const token = await revokeApiToken(deps, String(req.params.id), actorOf(req, res), { ownerId: user.id });
        flash(req, "success", `The token "${token.name}" is revoked: requests that use it are refused from now on.`);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        flash(req, "error", error.message);
      }
      // The account page's list of sessions and tokens sends its forms back to itself.
      res.redirect(303, (req.body as Record<string, unknown>)?.back === "account" ? "/account#sessions-and-tokens" : TOKENS_PATH);
    },
  };
}
