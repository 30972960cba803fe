import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser, isAllowed } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderFormError } from "../../web/forms.js";
import type { Role } from "../users/index.js";
import { confirmSchema, draftSchema, reportKindLabels, reportKinds, textKeys, textLabels } from "./public-report.schemas.js";
import { loadReportEditor, saveReportDraft, unpublishReport } from "./public-report.service.js";
import { paragraphsOf } from "./public-report-content.policy.js";
import { publishReport } from "./public-report-publish.service.js";

const VIEW = "public-report/editor";

/** The handlers of the editor in the incident workspace: show, save the draft, publish, take down. */
export function createPublicReportHandlers(deps: Deps) {
  const pageLocals = async (req: Request, res: Response, values?: Record<string, string>) => {
    const loaded = await loadReportEditor(deps, String(req.params.ref));
    return {
      ...loaded,
      title: `Public report · ${loaded.incident.reference}`,
      values: values ?? loaded.draft,
      kinds: reportKinds.map((value) => ({ value, label: reportKindLabels[value] })),
      textKeys,
      textLabels,
      paragraphsOf,
      canEdit: isAllowed(currentUser(res)?.role as Role, "manager"),
      fieldErrors: {},
    };
  };
  const editorAddress = (req: Request) => `/incidents/${encodeURIComponent(String(req.params.ref))}/public-report`;

  return {
    async show(req: Request, res: Response) {
      res.render(VIEW, await pageLocals(req, res));
    },

    async save(req: Request, res: Response) {
      try {
        const input = parseInput(draftSchema, req.body);
        await saveReportDraft(deps, String(req.params.ref), input, actorOf(req, res));
        flash(req, "success", "Draft saved. The public page changes only when you publish.");
        res.redirect(303, `${editorAddress(req)}#draft`);
      } catch (error) {
        renderFormError(res, VIEW, error, await pageLocals(req, res, formValues(req)));
      }
    },

    async publish(req: Request, res: Response) {
      try {
        parseInput(confirmSchema, req.body);
        const published = await publishReport(deps, String(req.params.ref), actorOf(req, res));
        flash(req, "success", `Version ${published.version.version} published at ${published.url}.`);
        res.redirect(303, `${editorAddress(req)}#versions`);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        renderFormError(res, VIEW, error, await pageLocals(req, res));
      }
    },

    async unpublish(req: Request, res: Response) {
      try {
        parseInput(confirmSchema, req.body);
        await unpublishReport(deps, String(req.params.ref), actorOf(req, res));
        flash(
          req,
          "success",
          "The public report is taken down: its address and its versions answer “not found” until you publish again.",
        );
        res.redirect(303, `${editorAddress(req)}#versions`);
      } catch (error) {
        renderFormError(res, VIEW, error, await pageLocals(req, res));
      }
    },
  };
}
