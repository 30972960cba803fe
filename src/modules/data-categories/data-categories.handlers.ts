import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderRefusal } from "../../web/forms.js";
import { sensitivities, sensitivityLabels } from "./catalogue.policy.js";
import {
  createCategorySchema,
  encryptionLabels,
  encryptionStates,
  incidentDataSchema,
  incidentDataUpdateSchema,
  removeConfirmSchema,
} from "./data-categories.schemas.js";
import { createDataCategory, loadCatalogue } from "./data-categories.service.js";
import { addIncidentData, changeIncidentData, loadAddForm, loadEditForm, removeIncidentData } from "./incident-data.service.js";

const FORM_VIEW = "data-categories/incident-data-form";
const formLocals = { sensitivityLabels, encryptionStates, encryptionLabels };

/** The handlers of the catalogue page and of an incident's personal-data forms. */
export function createDataCategoriesHandlers(deps: Deps) {
  const catalogueLocals = async () => ({
    title: "Personal data catalogue",
    categories: await loadCatalogue(deps),
    sensitivities,
    sensitivityLabels,
  });
  const addLocals = async (req: Request) => ({
    ...formLocals,
    ...(await loadAddForm(deps, String(req.params.ref))),
    mode: "add",
    title: "Add personal data",
    values: formValues(req),
  });
  const editLocals = async (req: Request, values?: Record<string, string>) => {
    const { incident, entry } = await loadEditForm(deps, String(req.params.ref), String(req.params.categoryId));
    return {
      ...formLocals,
      incident,
      entry,
      mode: "edit",
      title: `${entry.category.name} · ${incident.reference}`,
      values: values ?? { details: entry.details, encrypted: entry.encrypted },
    };
  };

  return {
    async list(_req: Request, res: Response) {
      res.render("data-categories/list", { ...(await catalogueLocals()), values: {}, fieldErrors: {} });
    },

    async create(req: Request, res: Response) {
      try {
        const category = await createDataCategory(deps, parseInput(createCategorySchema, req.body), actorOf(req, res));
        flash(req, "success", `${category.name} is in the catalogue now.`);
        res.redirect(303, `/admin/data-categories#category-${category.id}`);
      } catch (error) {
        await renderRefusal(res, "data-categories/list", error, async () => ({
          ...(await catalogueLocals()),
          values: formValues(req),
        }));
      }
    },

    async showEdit(req: Request, res: Response) {
      res.render(FORM_VIEW, { ...(await editLocals(req)), fieldErrors: {} });
    },

    async add(req: Request, res: Response) {
      try {
        const input = parseInput(incidentDataSchema, req.body);
        const { incident, entry, isUpdate } = await addIncidentData(deps, String(req.params.ref), input, actorOf(req, res));
        flash(
          req,
          "success",
          isUpdate
            ? `${entry.category.name} was recorded already: its details are updated.`
            : `${entry.category.name} is recorded for ${incident.reference}.`,
        );
        res.redirect(303, `/incidents/${incident.reference}#data`);
      } catch (error) {
        await renderRefusal(res, FORM_VIEW, error, () => addLocals(req));
      }
    },

    async update(req: Request, res: Response) {
      try {
        const input = parseInput(incidentDataUpdateSchema, req.body);
        const ref = String(req.params.ref);
        const { incident, entry } = await changeIncidentData(deps, ref, String(req.params.categoryId), input, actorOf(req, res));
        flash(req, "success", `${entry.category.name}: the details are saved.`);
        res.redirect(303, `/incidents/${incident.reference}#data`);
      } catch (error) {
        await renderRefusal(res, FORM_VIEW, error, () => editLocals(req, formValues(req)));
      }
    },

    async remove(req: Request, res: Response) {
      try {
        parseInput(removeConfirmSchema, req.body);
        const ref = String(req.params.ref);
        const { incident, entry } = await removeIncidentData(deps, ref, String(req.params.categoryId), actorOf(req, res));
        flash(req, "success", `${entry.category.name} is no longer recorded for ${incident.reference}.`);
        res.redirect(303, `/incidents/${incident.reference}#data`);
      } catch (error) {
        await renderRefusal(res, FORM_VIEW, error, () => editLocals(req));
      }
    },
  };
}
