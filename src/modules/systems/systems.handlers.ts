import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderRefusal } from "../../web/forms.js";
import { systemSchema, systemStatuses, systemStatusLabels } from "./systems.schemas.js";
import { createSystem, editSystem, loadIncidentForSystems, loadSystemForEdit } from "./systems.service.js";

const FORM_VIEW = "systems/form";
const formLocals = { statuses: systemStatuses, statusLabels: systemStatusLabels };

/** The handlers of the systems routes: parse, call the service, redirect or re-show the form. */
export function createSystemsHandlers(deps: Deps) {
  const editLocals = async (req: Request, values?: Record<string, string>) => {
    const { incident, system } = await loadSystemForEdit(deps, String(req.params.ref), String(req.params.systemId));
    return { ...formLocals, incident, system, title: `${system.name} · ${incident.reference}`, values: values ?? system };
  };

  return {
    async showEdit(req: Request, res: Response) {
      res.render(FORM_VIEW, { ...(await editLocals(req)), fieldErrors: {} });
    },

    async create(req: Request, res: Response) {
      try {
        const input = parseInput(systemSchema, req.body);
        const { incident, system } = await createSystem(deps, String(req.params.ref), input, actorOf(req, res));
        flash(req, "success", `${system.name} is recorded as ${system.status}.`);
        res.redirect(303, `/incidents/${incident.reference}#systems`);
      } catch (error) {
        await renderRefusal(res, FORM_VIEW, error, async () => {
          const incident = await loadIncidentForSystems(deps, String(req.params.ref));
          return {
            ...formLocals,
            incident,
            system: null,
            title: `Add a system · ${incident.reference}`,
            values: formValues(req),
          };
        });
      }
    },

    async update(req: Request, res: Response) {
      try {
        const input = parseInput(systemSchema, req.body);
        const ref = String(req.params.ref);
        const { incident, system } = await editSystem(deps, ref, String(req.params.systemId), input, actorOf(req, res));
        flash(req, "success", `${system.name} is saved.`);
        res.redirect(303, `/incidents/${incident.reference}#systems`);
      } catch (error) {
        await renderRefusal(res, FORM_VIEW, error, () => editLocals(req, formValues(req)));
      }
    },
  };
}
