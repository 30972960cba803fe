import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { listZones } from "../../lib/instants.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderFormError } from "../../web/forms.js";
import { createUserSchema, roleField, roleLabels, roles } from "./users.schemas.js";
import {
  changeRole,
  createUser,
  deactivateUser,
  listUsersPage,
  loadUser,
  reactivateUser,
  resendInvitation,
} from "./users.service.js";
import type { CredentialsReview } from "./users.types.js";

/** The new-user form's locals; the zone offered first is the inviting administrator's own. */
function newUserLocals(res: Response) {
  return { title: "Add a user", roles, roleLabels, zones: listZones(), inviterZone: currentUser(res)?.timeZone ?? "UTC" };
}

/** Shows a refused change as a message on the page the admin came from. */
async function withFlashOnRefusal(req: Request, res: Response, back: string, action: () => Promise<string>) {
  try {
    flash(req, "success", await action());
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    flash(req, "error", error.message);
  }
  res.redirect(303, back);
}

/** The user pages; `review` reads and revokes a user's API tokens and calendar feed (see CredentialsReview). */
export function createUsersHandlers(deps: Deps, review: CredentialsReview) {
  return {
    async list(_req: Request, res: Response) {
      res.render("users/list", { title: "Users", users: await listUsersPage(deps), roleLabels });
    },

    showNew(_req: Request, res: Response) {
      const locals = newUserLocals(res);
      res.render("users/new", {
        ...locals,
        values: { method: "invite", role: "manager", timeZone: locals.inviterZone },
        fieldErrors: {},
      });
    },

    async create(req: Request, res: Response) {
      try {
        const input = parseInput(createUserSchema, req.body);
        const { user, link } = await createUser(deps, input, actorOf(req, res));
        flash(
          req,
          "success",
          link
            ? `${user.name} was invited: an e-mail with a one-time link went to ${user.email}. If it does not arrive, send them this link: ${link}`
            : `${user.name} can now sign in as ${user.role}.`,
        );
        res.redirect(303, `/admin/users/${user.id}`);
      } catch (error) {
        renderFormError(res, "users/new", error, { ...newUserLocals(res), values: formValues(req, ["password"]) });
      }
    },

    async show(req: Request, res: Response) {
      const user = await loadUser(deps, String(req.params.id));
      const credentials = await review.countLive(deps, user);
      res.render("users/show", { title: user.name, user, roles, roleLabels, credentials });
    },

    async changeRole(req: Request, res: Response) {
      const id = String(req.params.id);
      await withFlashOnRefusal(req, res, `/admin/users/${id}`, async () => {
        const role = parseInput(roleField, (req.body as Record<string, unknown>)?.role);
        const user = await changeRole(deps, id, role, actorOf(req, res));
        return `${user.name} is now ${user.role}.`;
      });
    },

    async deactivate(req: Request, res: Response) {
      const id = String(req.params.id);
      await withFlashOnRefusal(req, res, `/admin/users/${id}`, async () => {
        if ((req.body as Record<string, unknown>)?.confirm !== "yes") {
          throw new AppError("validation", "Tick the box to confirm the deactivation.");
        }
        const user = await deactivateUser(deps, id, actorOf(req, res));
        return `${user.name} is deactivated: they cannot sign in, and their sessions have ended.`;
      });
    },

    async reactivate(req: Request, res: Response) {
      const id = String(req.params.id);
      await withFlashOnRefusal(req, res, `/admin/users/${id}`, async () => {
        const user = await reactivateUser(deps, id, actorOf(req, res));
        return `${user.name} is ${user.status === "active" ? "active again" : "back to invited: send a new invitation"}.`;
      });
    },

    async revokeCredentials(req: Request, res: Response) {
      const id = String(req.params.id);
      await withFlashOnRefusal(req, res, `/admin/users/${id}`, async () => {
        if ((req.body as Record<string, unknown>)?.confirm !== "yes") {
          throw new AppError(
            "validation",
            "Tick the box to confirm that their API tokens and calendar feed should stop working.",
          );
        }
        const { user, apiTokensRevoked, calendarFeedRevoked } = await review.revokeAll(deps, id, actorOf(req, res));
        const tokens = `${apiTokensRevoked} API ${apiTokensRevoked === 1 ? "token" : "tokens"}`;
        return `Revoked ${tokens}${calendarFeedRevoked ? " and the calendar feed" : ""} of ${user.name}: they are refused from now on.`;
      });
    },

    async reinvite(req: Request, res: Response) {
      const id = String(req.params.id);
      await withFlashOnRefusal(req, res, `/admin/users/${id}`, async () => {
        const link = await resendInvitation(deps, id, actorOf(req, res));
        return `A new invitation was sent; earlier links no longer work. If it does not arrive, send this link: ${link}`;
      });
    },
  };
}
