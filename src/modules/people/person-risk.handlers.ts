import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { actorOf } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { reapplyRiskRule } from "./person-risk.job.js";
import { RISK_CHOICES } from "./person-risk.schemas.js";
import { setImportRisk, setPersonRisk } from "./person-risk.service.js";
import { loadPersonRiskPage, loadRiskPage } from "./person-risk-page.service.js";

const riskPath = (reference: string) => `/incidents/${encodeURIComponent(reference)}/risk`;

/** What a person is called on the risk pages. */
const nameOf = (p: { givenName: string; familyName: string; email: string | null; externalId: string | null }) =>
  `${p.givenName} ${p.familyName}`.trim() || p.email || p.externalId || "A person without a name";

type FormState = { values?: Record<string, unknown>; fieldErrors?: Record<string, string>; importId?: string };

/** The risk page of an incident, the page of one person's risk, and the forms that set them. */
export function createPersonRiskHandlers(deps: Deps) {
  async function renderRisk(req: Request, res: Response, form: FormState = {}) {
    const page = await loadRiskPage(deps, String(req.params.ref));
    res.status(form.fieldErrors ? 400 : 200).render("people/risk", {
      title: `Who is at risk: ${page.incident.reference}`,
      ...page,
      choices: RISK_CHOICES,
      riskPath: riskPath(page.incident.reference),
      nameOf,
      form: { values: form.values ?? {}, fieldErrors: form.fieldErrors ?? {}, importId: form.importId ?? "" },
    });
  }

  async function renderPerson(req: Request, res: Response, form: FormState = {}) {
    const page = await loadPersonRiskPage(deps, String(req.params.ref), String(req.params.personId));
    res.status(form.fieldErrors ? 400 : 200).render("people/person-risk", {
      title: `Risk of ${nameOf(page.person)}: ${page.incident.reference}`,
      ...page,
      label: nameOf(page.person),
      choices: RISK_CHOICES,
      riskPath: riskPath(page.incident.reference),
      values: { risk: page.choice, ...form.values },
      fieldErrors: form.fieldErrors ?? {},
    });
  }

  /** Re-shows the form with its messages on a validation error; anything else goes to the error page. */
  const orRerender = async (error: unknown, rerender: () => Promise<void>) => {
    if (!(error instanceof AppError) || error.code !== "validation") throw error;
    await rerender();
  };

  return {
    /** The rule in words, the counts, each import's choice and the people set one by one. */
    async show(req: Request, res: Response) {
      await renderRisk(req, res);
    },

    async reapply(req: Request, res: Response) {
      const { incident, how } = await reapplyRiskRule(deps, String(req.params.ref), actorOf(req, res));
      flash(
        req,
        "success",
        how === "applied"
          ? "The risk rule was applied again: the counts below are up to date."
          : "The risk rule is being applied again in the background: the counts change within a minute or so.",
      );
      res.redirect(303, riskPath(incident.reference));
    },

    async setImport(req: Request, res: Response) {
      try {
        const done = await setImportRisk(deps, String(req.params.ref), String(req.params.importId), req.body, actorOf(req, res));
        const n = done.people.toLocaleString("en");
        flash(
          req,
          "success",
          `${done.fileName}: ${n} ${done.people === 1 ? "person" : "people"} now ${done.choice === "rule" ? "follow the rule" : RISK_CHOICES[done.choice].toLowerCase()}.`,
        );
        res.redirect(303, riskPath(done.incident.reference));
      } catch (error) {
        const importId = String(req.params.importId);
        await orRerender(error, () =>
          renderRisk(req, res, { values: req.body, fieldErrors: (error as AppError).fieldErrors, importId }),
        );
      }
    },

    async showPerson(req: Request, res: Response) {
      await renderPerson(req, res);
    },

    async setPerson(req: Request, res: Response) {
      try {
        const done = await setPersonRisk(deps, String(req.params.ref), String(req.params.personId), req.body, actorOf(req, res));
        flash(req, "success", `${nameOf(done.person)}: ${done.message}`);
        res.redirect(303, `${riskPath(done.incident.reference)}/people/${encodeURIComponent(done.person.id)}`);
      } catch (error) {
        await orRerender(error, () => renderPerson(req, res, { values: req.body, fieldErrors: (error as AppError).fieldErrors }));
      }
    },
  };
}
