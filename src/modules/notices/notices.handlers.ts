import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser, isAllowed } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderRefusal } from "../../web/forms.js";
import { loadIncident } from "../incidents/index.js";
import type { Role } from "../users/index.js";
import { loadEditor, loadTemplatePage, loadVersionPage, valuesOfBody } from "./notice-pages.service.js";
import { languageField, templateSchema, versionSchema } from "./notices.schemas.js";
import { changeTemplate, createTemplate, listTemplates, saveVersion } from "./notices.service.js";

const LIST_VIEW = "notices/list";
const TEMPLATE_VIEW = "notices/template";
const EDITOR_VIEW = "notices/editor";

const canEdit = (res: Response) => isAllowed(currentUser(res)?.role as Role, "manager");
const templatePath = (ref: string, id: string) => `/incidents/${ref}/notices/${id}`;

/** The language the editor was asked for; a tag that is not one is refused with a message. */
function requestedLanguage(req: Request): string | undefined {
  const raw = typeof req.query.language === "string" ? req.query.language : "";
  if (raw.trim() === "") return undefined;
  const parsed = languageField("the language").safeParse(raw);
  if (!parsed.success) {
    throw new AppError("validation", "Choose a language the editor can open.", { newLanguage: parsed.error.issues[0]!.message });
  }
  return parsed.data;
}

/** The statement the editor was asked to start from: a statement id, "" for the newest submitted, undefined for none. */
function requestedStatement(req: Request): string | undefined {
  if (req.query.from !== "statement") return undefined;
  const id = typeof req.query.statement === "string" ? req.query.statement.trim() : "";
  return /^[\w-]{0,64}$/.test(id) ? id : "";
}

/** The handlers of the templates, their versions and the editor: parse, call a service, render or redirect. */
export function createNoticesHandlers(deps: Deps) {
  const listLocals = async (req: Request, res: Response) => {
    const incident = await loadIncident(deps.db.prisma, String(req.params.ref));
    const templates = await listTemplates(deps, incident);
    return { incident, templates, canEdit: canEdit(res), title: `Notices · ${incident.reference}`, values: {}, fieldErrors: {} };
  };

  const editorLocals = async (
    req: Request,
    res: Response,
    language: string | undefined,
    submitted?: ReturnType<typeof valuesOfBody>,
    fromStatement?: string,
  ) => {
    const editor = await loadEditor(
      deps,
      String(req.params.ref),
      String(req.params.templateId),
      language,
      submitted,
      fromStatement,
    );
    return {
      ...editor,
      title: `Edit ${editor.template.name} (${editor.language}) · ${editor.incident.reference}`,
      canEdit: canEdit(res),
    };
  };

  return {
    async list(req: Request, res: Response) {
      res.render(LIST_VIEW, await listLocals(req, res));
    },

    async create(req: Request, res: Response) {
      try {
        const input = parseInput(templateSchema, req.body);
        const { incident, template } = await createTemplate(deps, String(req.params.ref), input, actorOf(req, res));
        flash(req, "success", `Notice "${template.name}" created: write its first version.`);
        res.redirect(303, `${templatePath(incident.reference, template.id)}/edit`);
      } catch (error) {
        await renderRefusal(res, LIST_VIEW, error, async () => ({ ...(await listLocals(req, res)), values: formValues(req) }));
      }
    },

    async show(req: Request, res: Response) {
      const page = await loadTemplatePage(deps, String(req.params.ref), String(req.params.templateId));
      res.render(TEMPLATE_VIEW, {
        ...page,
        title: `${page.template.name} · ${page.incident.reference}`,
        canEdit: canEdit(res),
        values: { name: page.template.name, fallbackLanguage: page.template.fallbackLanguage },
        fieldErrors: {},
      });
    },

    async changeSettings(req: Request, res: Response) {
      try {
        const input = parseInput(templateSchema, req.body);
        const { incident, template } = await changeTemplate(
          deps,
          String(req.params.ref),
          String(req.params.templateId),
          input,
          actorOf(req, res),
        );
        flash(req, "success", `Notice "${template.name}" saved.`);
        res.redirect(303, templatePath(incident.reference, template.id));
      } catch (error) {
        await renderRefusal(res, TEMPLATE_VIEW, error, async () => {
          const page = await loadTemplatePage(deps, String(req.params.ref), String(req.params.templateId));
          return {
            ...page,
            title: `${page.template.name} · ${page.incident.reference}`,
            canEdit: canEdit(res),
            values: formValues(req),
          };
        });
      }
    },

    async showVersion(req: Request, res: Response) {
      const page = await loadVersionPage(
        deps,
        String(req.params.ref),
        String(req.params.templateId),
        String(req.params.versionId),
      );
      res.render("notices/version", {
        ...page,
        title: `${page.template.name} (${page.version.language}) version ${page.version.version} · ${page.incident.reference}`,
        canEdit: canEdit(res),
      });
    },

    async edit(req: Request, res: Response) {
      try {
        const locals = await editorLocals(req, res, requestedLanguage(req), undefined, requestedStatement(req));
        res.render(EDITOR_VIEW, { ...locals, fieldErrors: {} });
      } catch (error) {
        // A language that is not a tag: the editor of the fallback language, with the message.
        await renderRefusal(res, EDITOR_VIEW, error, () => editorLocals(req, res, undefined));
      }
    },

    async save(req: Request, res: Response) {
      try {
        const input = parseInput(versionSchema, req.body);
        const saved = await saveVersion(deps, String(req.params.ref), String(req.params.templateId), input, actorOf(req, res));
        const { incident, template, version } = saved;
        flash(
          req,
          saved.isUnchanged ? "info" : "success",
          saved.isUnchanged
            ? `Nothing changed: ${version.language} version ${version.version} stays the latest.`
            : `Saved ${version.language} version ${version.version} of "${template.name}".`,
        );
        for (const warning of saved.warnings) flash(req, "error", `Check this: ${warning}`);
        res.redirect(
          303,
          `${templatePath(incident.reference, template.id)}/edit?language=${encodeURIComponent(version.language)}`,
        );
      } catch (error) {
        const submitted = valuesOfBody(req.body);
        await renderRefusal(res, EDITOR_VIEW, error, () =>
          editorLocals(req, res, languageOrUndefined(submitted.fields.language), submitted),
        );
      }
    },
  };
}

/** The language a refused form named, when it is a tag; else the template's fallback. */
function languageOrUndefined(value: string | undefined): string | undefined {
  const parsed = languageField("the language").safeParse(value ?? "");
  return parsed.success ? parsed.data : undefined;
}
