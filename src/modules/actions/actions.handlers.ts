import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderRefusal } from "../../web/forms.js";
import { actionStatuses, actionStatusLabels } from "./action-status.policy.js";
import { actionSchema } from "./actions.schemas.js";
import { createAction, editAction, loadAddForm, loadEditForm } from "./actions.service.js";

const FORM_VIEW = "actions/form";
const formLocals = { statuses: actionStatuses, statusLabels: actionStatusLabels };

/** The handlers of the actions routes: parse, call the service, redirect or re-show the form. */
export function createActionsHandlers(deps: Deps) {
  const editLocals = async (req: Request, values?: Record<string, string>) => {
    const { incident, action, owners } = await loadEditForm(deps, String(req.params.ref), String(req.params.actionId));
    const saved = {
      title: action.title,
      ownerId: action.ownerId ?? "",
      dueOn: action.dueOn ?? "",
      status: action.status,
      notes: action.notes,
    };
    return { ...formLocals, incident, action, owners, title: `${action.title} · ${incident.reference}`, values: values ?? saved };
  };

  return {
    async showEdit(req: Request, res: Response) {
      res.render(FORM_VIEW, { ...(await editLocals(req)), fieldErrors: {} });
    },

    async create(req: Request, res: Response) {
      try {
        const input = parseInput(actionSchema, req.body);
        const { incident, action } = await createAction(deps, String(req.params.ref), input, actorOf(req, res));
        flash(req, "success", `Action added: ${action.title}.`);
        res.redirect(303, `/incidents/${incident.reference}#actions`);
      } catch (error) {
        await renderRefusal(res, FORM_VIEW, error, async () => {
          const { incident, owners } = await loadAddForm(deps, String(req.params.ref));
          return {
            ...formLocals,
            incident,
            owners,
            action: null,
            title: `Add an action · ${incident.reference}`,
            values: formValues(req),
          };
        });
      }
    },

    async update(req: Request, res: Response) {
      try {
        const input = parseInput(actionSchema, req.body);
        const ref = String(req.params.ref);
        const { incident, action } = await editAction(deps, ref, String(req.params.actionId), input, actorOf(req, res));
        flash(req, "success", `Action saved: ${action.title}.`);
        res.redirect(303, `/incidents/${incident.reference}#actions`);
      } catch (error) {
        await renderRefusal(res, FORM_VIEW, error, () => editLocals(req, formValues(req)));
      }
    },
  };
}
