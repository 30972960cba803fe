import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { toLocalInput } from "../../lib/instants.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser, isAllowed } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { renderFormError } from "../../web/forms.js";
import type { Role } from "../users/index.js";
import { statementSections } from "./statement-export.policy.js";
import { loadStatementExport, statementJson, statementPdfOf, statementTextOf } from "./statement-exports.service.js";
import { statementFieldsOf } from "./statement-regimes.policy.js";
import { loadAckFile, markStatementSubmitted } from "./statement-submission.service.js";
import {
  channelLabels,
  createStatementSchema,
  SUBMISSION_CHANNELS,
  saveStatementSchema,
  submitStatementSchema,
} from "./statements.schemas.js";
import { createStatement, loadStatement, saveStatementVersion } from "./statements.service.js";
import { uploadedAckOf } from "./statements-upload.middleware.js";

const VIEW = "statements/show";

/** The version asked for in ?version=, when it is a number. */
const versionParam = (req: Request) => {
  const n = Number(req.query.version);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** The edited items of the form: inputs named f.<key> (several checkboxes give a list). */
function editedFields(body: Record<string, unknown>): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(body)) {
    if (!name.startsWith("f.")) continue;
    fields[name.slice(2)] = Array.isArray(value) ? value.map(String) : String(value ?? "");
  }
  return fields;
}

/** The handlers of the statements routes: parse, call the service, render, redirect or send a file. */
export function createStatementsHandlers(deps: Deps) {
  const pageLocals = async (req: Request, res: Response, values?: Record<string, string>) => {
    const loaded = await loadStatement(deps, String(req.params.ref), String(req.params.id), versionParam(req));
    const viewer = currentUser(res);
    const zone = viewer?.timeZone ?? loaded.incident.timeZone;
    return {
      ...loaded,
      title: `Statement ${loaded.rule.id} · ${loaded.incident.reference}`,
      items: statementFieldsOf(loaded.rule),
      values: values ?? loaded.fields,
      isNewest: loaded.version.version === loaded.statement.version,
      canEdit: isAllowed(viewer?.role as Role, "manager"),
      channels: SUBMISSION_CHANNELS.map((value) => ({ value, label: channelLabels[value] })),
      channelLabels,
      submitValues: { submittedAt: toLocalInput(deps.clock.now(), zone), submittedZone: zone, how: "portal", reference: "" },
      fieldErrors: {},
    };
  };

  return {
    async create(req: Request, res: Response) {
      const ref = String(req.params.ref);
      try {
        const input = parseInput(createStatementSchema, req.body);
        const made = await createStatement(deps, ref, input.rule, actorOf(req, res));
        flash(
          req,
          "success",
          made.isNew ? `Statement drafted: ${made.rule.id}, version 1.` : `The statement for ${made.rule.id} exists: here it is.`,
        );
        res.redirect(303, `/incidents/${encodeURIComponent(ref)}/statements/${made.statement.id}`);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== "validation") throw error;
        flash(req, "error", Object.values(error.fieldErrors)[0] ?? error.message);
        res.redirect(303, `/incidents/${encodeURIComponent(ref)}/regulators#statements`);
      }
    },

    async show(req: Request, res: Response) {
      res.render(VIEW, await pageLocals(req, res));
    },

    async save(req: Request, res: Response) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      try {
        const input = parseInput(saveStatementSchema, {
          fields: editedFields(body),
          baseVersion: body.baseVersion,
          note: body.note,
        });
        const saved = await saveStatementVersion(deps, String(req.params.ref), String(req.params.id), input, actorOf(req, res));
        flash(req, "success", `Saved as version ${saved.version.version}.`);
        res.redirect(303, `/incidents/${encodeURIComponent(saved.incident.reference)}/statements/${saved.statement.id}`);
      } catch (error) {
        const values = Object.fromEntries(
          Object.entries(editedFields(body)).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]),
        );
        renderFormError(res, VIEW, error, await pageLocals(req, res, values));
      }
    },

    async submit(req: Request, res: Response) {
      try {
        const input = parseInput(submitStatementSchema, req.body);
        const ack = uploadedAckOf(req);
        const file = ack ? { fileName: ack.fileName, content: ack.bytes, isTooLarge: ack.isTooLarge } : null;
        const done = await markStatementSubmitted(
          deps,
          String(req.params.ref),
          String(req.params.id),
          input,
          file,
          actorOf(req, res),
        );
        const closed = done.isMet ? ` The obligation ${done.rule.id} is met.` : "";
        flash(req, "success", `Version ${input.version ?? done.statement.version} marked submitted.${closed}`);
        res.redirect(303, `/incidents/${encodeURIComponent(done.incident.reference)}/statements/${done.statement.id}`);
      } catch (error) {
        const locals = await pageLocals(req, res);
        const body = (req.body ?? {}) as Record<string, string>;
        renderFormError(res, VIEW, error, { ...locals, submitValues: { ...locals.submitValues, ...body } });
      }
    },

    async print(req: Request, res: Response) {
      const { loaded, exported } = await loadStatementExport(
        deps,
        String(req.params.ref),
        String(req.params.id),
        versionParam(req),
      );
      res.render("statements/print", {
        ...loaded,
        exported,
        sections: statementSections(exported),
        title: `Statement ${loaded.rule.id}`,
      });
    },

    async text(req: Request, res: Response) {
      const { exported, stem } = await loadStatementExport(
        deps,
        String(req.params.ref),
        String(req.params.id),
        versionParam(req),
      );
      res.type("text/plain; charset=utf-8").attachment(`${stem}.txt`).send(statementTextOf(exported));
    },

    async json(req: Request, res: Response) {
      const { loaded, stem } = await loadStatementExport(deps, String(req.params.ref), String(req.params.id), versionParam(req));
      res.attachment(`${stem}.json`).json(statementJson(loaded));
    },

    async ack(req: Request, res: Response) {
      const file = await loadAckFile(deps, String(req.params.ref), String(req.params.id), Number(req.params.version));
      res.download(file.path, file.fileName);
    },

    async pdf(req: Request, res: Response) {
      const { exported, stem } = await loadStatementExport(
        deps,
        String(req.params.ref),
        String(req.params.id),
        versionParam(req),
      );
      res
        .type("application/pdf")
        .attachment(`${stem}.pdf`)
        .send(await statementPdfOf(deps, exported));
    },
  };
}
