import { type Request, type Response, Router } from "express";
import { z } from "zod";
import type { Deps } from "../../deps.js";
import { listZones } from "../../lib/instants.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser, mountRoutes } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { renderFormError } from "../../web/forms.js";
import { loadSecondFactorState } from "../auth/index.js";
import { zoneField } from "../incidents/index.js";
import { nameField, updateOwnAccount } from "../users/index.js";
import { listCredentialsIssuedSincePasswordChange } from "./credential-review.service.js";

const accountSchema = z.object({ name: nameField, timeZone: zoneField });

/** The signed-in user's own settings: name and the time zone they read instants in. */
export function accountRoutes(deps: Deps): Router {
  const router = Router();
  mountRoutes(router, [
    {
      method: "get",
      path: "/account",
      access: "viewer",
      handler: async (_req: Request, res: Response) => {
        const user = currentUser(res)!;
        res.render("account/index", {
          title: "Your account",
          zones: listZones(),
          values: { name: user.name, timeZone: user.timeZone },
          fieldErrors: {},
          issued: await listCredentialsIssuedSincePasswordChange(deps, user.id),
          twoFactor: await loadSecondFactorState(deps, user),
        });
      },
    },
    {
      method: "post",
      path: "/account",
      access: "viewer",
      handler: async (req: Request, res: Response) => {
        try {
          const input = parseInput(accountSchema, req.body);
          await updateOwnAccount(deps, actorOf(req, res), input);
          flash(req, "success", "Your settings are saved.");
          res.redirect(303, "/account");
        } catch (error) {
          renderFormError(res, "account/index", error, {
            title: "Your account",
            zones: listZones(),
            values: req.body ?? {},
            issued: await listCredentialsIssuedSincePasswordChange(deps, currentUser(res)!.id),
            twoFactor: await loadSecondFactorState(deps, currentUser(res)!),
          });
        }
      },
    },
  ]);
  return router;
}
