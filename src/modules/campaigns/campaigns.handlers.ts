import type { Request, Response } from "express";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { formatInZone, toLocalInput } from "../../lib/instants.js";
import { parseInput } from "../../lib/validation.js";
import { actorOf, currentUser } from "../../web/access.js";
import { flash } from "../../web/flash.js";
import { formValues, renderRefusal } from "../../web/forms.js";
import { describeSpan } from "../reminders/index.js";
import { campaignStatusLabels } from "./campaign-lifecycle.policy.js";
import {
  loadCampaignList,
  loadCampaignPage,
  loadCancelPage,
  loadNewCampaignForm,
  loadStartPage,
} from "./campaign-pages.service.js";
import { loadStatementAgreement, StatementDisagreementError } from "./campaign-statement-check.service.js";
import { campaignInputSchema, pauseSchema, startSchema } from "./campaigns.schemas.js";
import {
  approveCampaign,
  type CampaignDeps,
  cancelCampaign,
  createCampaign,
  pauseCampaign,
  requireCampaign,
  resumeCampaign,
  retryFailedDeliveries,
  scheduleCampaign,
  sendCampaignNow,
  unscheduleCampaign,
} from "./campaigns.service.js";
import { noticeRendering } from "./notice-rendering.service.js";

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** The handlers of the campaign pages: parse, call the service, render or redirect with what happened. */
export function createCampaignsHandlers(deps: Deps) {
  const cdeps: CampaignDeps = { ...deps, rendering: noticeRendering };
  const params = (req: Request) => ({ ref: String(req.params.ref), id: String(req.params.campaignId) });
  const pagePath = (req: Request) => `/incidents/${params(req).ref}/campaigns/${params(req).id}`;

  /** A button's action: back to the campaign page saying what happened, or why it could not. */
  const act = (run: (req: Request, res: Response) => Promise<string>) => async (req: Request, res: Response) => {
    try {
      flash(req, "success", await run(req, res));
    } catch (error) {
      if (!(error instanceof AppError) || error.code === "not_found") throw error;
      flash(req, "error", error.message);
    }
    res.redirect(303, pagePath(req));
  };

  const newFormLocals = async (req: Request, values: Record<string, string>) => {
    const form = await loadNewCampaignForm(deps, params(req).ref);
    return { ...form, title: `New campaign · ${form.incident.reference}`, values };
  };
  const startLocals = async (req: Request, values?: Record<string, string>) => {
    const page = await loadStartPage(cdeps, params(req).ref, params(req).id);
    const scheduled = toLocalInput(page.campaign.scheduledAt, page.incident.timeZone).replace("T", " ");
    const defaults = { when: page.campaign.scheduledAt ? "later" : "now", scheduledAt: scheduled };
    const agreement = await loadStatementAgreement(deps.db, page.campaign);
    return { ...page, agreement, title: `Start ${page.campaign.name} · ${page.incident.reference}`, values: values ?? defaults };
  };

  return {
    async list(req: Request, res: Response) {
      const page = await loadCampaignList(deps, params(req).ref);
      res.render("campaigns/list", { ...page, title: `Campaigns · ${page.incident.reference}` });
    },

    async showNew(req: Request, res: Response) {
      res.render("campaigns/new", { ...(await newFormLocals(req, { when: "now" })), fieldErrors: {} });
    },

    async create(req: Request, res: Response) {
      try {
        const input = parseInput(campaignInputSchema, req.body);
        const { incident, campaign } = await createCampaign(cdeps, params(req).ref, input, actorOf(req, res));
        flash(req, "success", `Campaign “${campaign.name}” saved as a draft. Check it, then start it.`);
        res.redirect(303, `/incidents/${incident.reference}/campaigns/${campaign.id}`);
      } catch (error) {
        await renderRefusal(res, "campaigns/new", error, () => newFormLocals(req, formValues(req)));
      }
    },

    async show(req: Request, res: Response) {
      const viewer = currentUser(res)!;
      const page = await loadCampaignPage(cdeps, params(req).ref, params(req).id, viewer);
      res.render("campaigns/show", {
        ...page,
        title: `${page.campaign.name} · ${page.incident.reference}`,
        viewerZone: viewer.timeZone,
        span: describeSpan,
      });
    },

    /**
     * The campaign's old ledger address: the incident's ledger filtered on the campaign, keeping
     * the search and status (the old page cursor means nothing there, so paging starts again).
     */
    async redirectToLedger(req: Request, res: Response) {
      const { incident, campaign } = await requireCampaign(deps, params(req).ref, params(req).id);
      const query = new URLSearchParams({ campaign: campaign.id });
      for (const key of ["status", "q"] as const) {
        const value = req.query[key];
        if (typeof value === "string" && value !== "") query.set(key, value);
      }
      res.redirect(302, `/incidents/${encodeURIComponent(incident.reference)}/ledger?${query}`);
    },

    approve: act(async (req, res) => {
      await approveCampaign(cdeps, params(req).ref, params(req).id, actorOf(req, res));
      return "Campaign approved: it may now be started or scheduled.";
    }),

    async showStart(req: Request, res: Response) {
      res.render("campaigns/start", { ...(await startLocals(req)), fieldErrors: {}, error: null });
    },

    async start(req: Request, res: Response) {
      const { ref, id } = params(req);
      try {
        const input = parseInput(startSchema, req.body);
        if (input.when === "later") {
          const { campaign } = await scheduleCampaign(cdeps, ref, id, input.scheduledAt, actorOf(req, res));
          const at = campaign.scheduledAt ? formatInZone(campaign.scheduledAt, currentUser(res)!.timeZone) : "the time set";
          flash(req, "success", `Campaign scheduled: the worker starts it at ${at}.`);
        } else {
          const overrideReason = input.overrideReason || undefined;
          const { details } = await sendCampaignNow(cdeps, ref, id, actorOf(req, res), { overrideReason });
          const queued = Number(details.queued);
          const excluded = Number(details.excluded);
          flash(
            req,
            "success",
            `Sending started: ${plural(queued, "notice", "notices")} queued${excluded ? `, ${plural(excluded, "person", "people")} excluded (no address or a bounced one)` : ""}.`,
          );
        }
        res.redirect(303, pagePath(req));
      } catch (error) {
        // The differences are shown side by side on the page: the summary says what to do.
        const refusal =
          error instanceof StatementDisagreementError
            ? new AppError(
                "conflict",
                "The notice does not say what the statement to the regulator says: see the differences below.",
                {
                  overrideReason: "Make the notice and the statement agree, or give a reason to start anyway.",
                },
              )
            : error;
        await renderRefusal(res, "campaigns/start", refusal, () => startLocals(req, formValues(req)));
      }
    },

    unschedule: act(async (req, res) => {
      await unscheduleCampaign(cdeps, params(req).ref, params(req).id, actorOf(req, res));
      return "The campaign is a draft again; nothing was sent.";
    }),

    pause: act(async (req, res) => {
      const { reason } = parseInput(pauseSchema, req.body);
      await pauseCampaign(cdeps, params(req).ref, params(req).id, reason, actorOf(req, res));
      return "Campaign paused: notices already handed to the mail server finish; nothing more is sent until you resume.";
    }),

    resume: act(async (req, res) => {
      await resumeCampaign(cdeps, params(req).ref, params(req).id, actorOf(req, res));
      return "Campaign resumed: the worker sends the rest.";
    }),

    async showCancel(req: Request, res: Response) {
      const page = await loadCancelPage(deps, params(req).ref, params(req).id);
      res.render("campaigns/cancel", {
        ...page,
        title: `Cancel ${page.campaign.name} · ${page.incident.reference}`,
        statusLabels: campaignStatusLabels,
      });
    },

    cancel: act(async (req, res) => {
      const { details } = await cancelCampaign(cdeps, params(req).ref, params(req).id, actorOf(req, res));
      const cancelled = Number(details.cancelledDeliveries ?? 0);
      return `Campaign cancelled: ${plural(cancelled, "notice", "notices")} will not be sent. What was sent stays in the ledger.`;
    }),

    retryFailed: act(async (req, res) => {
      const { details } = await retryFailedDeliveries(cdeps, params(req).ref, params(req).id, actorOf(req, res));
      return `${plural(Number(details.requeued), "failed notice is", "failed notices are")} queued again.`;
    }),
  };
}
