import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { actorOf } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { fileNameOf, labels, streamCsv } from "./ledger.handlers.js";
import { TELL_REASON_LABELS } from "./ledger.schemas.js";
import { loadLedgerIncident } from "./ledger.service.js";
import { lettersCsv } from "./ledger-letters.service.js";
import { loadPeopleToTell, recordPeopleTold } from "./ledger-told.service.js";
import { uploadedLettersOf } from "./ledger-upload.middleware.js";
import { type LettersOutcome, recordLettersFile } from "./letters-upload.service.js";

/** What a re-shown page carries: the form's values and messages, or a file's outcome. */
interface PageState {
  values?: Record<string, unknown>;
  fieldErrors?: Record<string, string>;
  error?: string;
  /** Which form the values belong to: the recording of the list, or the file of letters. */
  form?: "told" | "letters";
  letters?: LettersOutcome;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** The people to tell another way: the list, recording them (ticked or all), the letters export and upload. */
export function createLedgerToldHandlers(deps: Deps) {
  const ref = (req: Request) => String(req.params.ref);
  const listPath = (reference: string) => `/incidents/${encodeURIComponent(reference)}/ledger/other-channels`;

  async function render(req: Request, res: Response, state: PageState = {}) {
    const incident = await loadLedgerIncident(deps.db.prisma, ref(req));
    const page = await loadPeopleToTell(deps, incident, req.query);
    const isError = state.fieldErrors || state.letters?.errors.length || state.error;
    res.status(isError ? 400 : 200).render("ledger/other-channels", {
      title: `People to tell another way: ${incident.reference}`,
      incident,
      page,
      zone: incident.timeZone,
      reasonLabels: TELL_REASON_LABELS,
      values: state.values ?? {},
      fieldErrors: state.fieldErrors ?? {},
      error: state.error ?? (state.fieldErrors ? "Some fields need correcting." : ""),
      form: state.form ?? "",
      letters: state.letters ?? null,
      ...labels,
    });
  }

  /** A validation error re-shows the page with the form's values and messages; anything else goes on. */
  const rerenderOn = async (error: unknown, req: Request, res: Response, form: "told" | "letters") => {
    if (!(error instanceof AppError) || error.code !== "validation") throw error;
    await render(req, res, { values: req.body, fieldErrors: error.fieldErrors, error: error.message, form });
  };

  return {
    /** Everyone e-mail cannot reach and who is not told yet, with why; filters; the forms. */
    async list(req: Request, res: Response) {
      await render(req, res);
    },

    /** Records the people ticked, or everyone the filter matches, as told another way. */
    async record(req: Request, res: Response) {
      const incident = await loadLedgerIncident(deps.db.prisma, ref(req));
      try {
        const done = await recordPeopleTold(deps, incident, req.body, actorOf(req, res));
        const skipped = done.skipped
          ? ` ${plural(done.skipped, "person ticked was", "people ticked were")} told meanwhile and left as recorded.`
          : "";
        flash(req, "success", `${plural(done.recorded, "person is", "people are")} recorded as told another way.${skipped}`);
        res.redirect(303, listPath(incident.reference));
      } catch (error) {
        await rerenderOn(error, req, res, "told");
      }
    },

    /** Records the letters of an uploaded file; every line with an error is named and nothing is recorded. */
    async upload(req: Request, res: Response) {
      const incident = await loadLedgerIncident(deps.db.prisma, ref(req));
      try {
        const outcome = await recordLettersFile(deps, incident, uploadedLettersOf(req), req.body, actorOf(req, res));
        if (outcome.errors.length) {
          await render(req, res, {
            values: req.body,
            form: "letters",
            letters: outcome,
            error: `Nothing was recorded: ${plural(outcome.errors.length, "line", "lines")} of ${outcome.fileName} cannot be used. Correct ${outcome.errors.length === 1 ? "it" : "them"} and upload the file again.`,
          });
          return;
        }
        const already = outcome.already.length
          ? ` ${plural(outcome.already.length, "line names someone", "lines name people")} already recorded as told another way (line ${outcome.already.map((a) => a.line).join(", ")}): left as they were.`
          : "";
        flash(
          req,
          "success",
          `${outcome.fileName}: ${plural(outcome.recorded, "person is", "people are")} recorded as told another way.${already}`,
        );
        res.redirect(303, listPath(incident.reference));
      } catch (error) {
        await rerenderOn(error, req, res, "letters");
      }
    },

    /** The people to tell (the list's filter applies) with their notice as text, for letters (CSV, streamed). */
    async lettersCsv(req: Request, res: Response) {
      const incident = await loadLedgerIncident(deps.db.prisma, ref(req));
      await streamCsv(res, lettersCsv(deps, incident, req.query), `${fileNameOf(incident.reference)}-letters.csv`);
    },
  };
}
