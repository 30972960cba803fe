import type { Request, Response } from "express";
import type { Deps } from "../deps.js";
import { parseInput } from "../lib/validation.js";
import {
  approveCampaign,
  type Campaign,
  type CampaignDeps,
  campaignInputSchema,
  cancelCampaign,
  countCampaignDeliveries,
  createCampaign,
  describeAudience,
  disagreementJson,
  fanOutProgressOf,
  listIncidentCampaigns,
  noticeRendering,
  parseAudience,
  pauseCampaign,
  pauseSchema,
  requireCampaign,
  requireIncident,
  resumeCampaign,
  retryFailedDeliveries,
  StatementDisagreementError,
  scheduleCampaign,
  sendCampaignNow,
} from "../modules/campaigns/index.js";
import { loadLedgerPage } from "../modules/ledger/index.js";
import { incidentPath } from "./api.serializers.js";
import { apiActor } from "./api-auth.js";
import { parseApiBody } from "./api-input.js";
import { campaignStartBody, newCampaignBody } from "./api-requests.schemas.js";

const iso = (at: Date | null | undefined) => (at ? at.toISOString() : null);

function campaignPath(reference: string, id: string): string {
  return `${incidentPath(reference)}/campaigns/${encodeURIComponent(id)}`;
}

async function serializeCampaign(deps: Deps, reference: string, campaign: Campaign) {
  const audience = parseAudience(campaign.audience);
  const self = campaignPath(reference, campaign.id);
  const counts = await countCampaignDeliveries(deps, campaign.id);
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    templateId: campaign.templateId,
    versionIds: JSON.parse(campaign.versionIds || "{}") as Record<string, string>,
    audience: { ...audience, description: describeAudience(audience) },
    scheduledAt: iso(campaign.scheduledAt),
    isApprovalRequired: campaign.isApprovalRequired,
    approvedById: campaign.approvedById,
    approvedAt: iso(campaign.approvedAt),
    pauseReason: campaign.pauseReason || null,
    startedAt: iso(campaign.startedAt),
    finishedAt: iso(campaign.finishedAt),
    createdAt: iso(campaign.createdAt),
    counts,
    fanOut: fanOutProgressOf(campaign, counts.total),
    links: { self, deliveries: `${self}/deliveries`, incident: incidentPath(reference) },
  };
}

/**
 * The campaign endpoints: create, list, read with counts, the moves of its lifecycle (approve,
 * start now or at an instant, pause, resume, cancel, retry the failed ones) and its deliveries
 * page by page. Every move goes through the same service, and so the same checks and audit, as
 * the pages.
 */
export function createApiCampaignHandlers(deps: Deps) {
  const campaignDeps: CampaignDeps = { ...deps, rendering: noticeRendering };
  const ref = (req: Request) => String(req.params.ref);
  const id = (req: Request) => String(req.params.campaignId);

  /** Answers with the campaign as it is after a move. */
  async function reply(req: Request, res: Response, status = 200) {
    const { incident, campaign } = await requireCampaign(deps, ref(req), id(req));
    res.status(status).json(await serializeCampaign(deps, incident.reference, campaign));
  }

  return {
    async create(req: Request, res: Response) {
      const body = parseApiBody(newCampaignBody, req.body);
      const input = parseInput(campaignInputSchema, {
        name: body.name,
        templateId: body.templateId,
        when: body.scheduledAt ? "later" : "now",
        scheduledAt: body.scheduledAt ?? "",
        isApprovalRequired: body.isApprovalRequired ? "on" : undefined,
        atRiskOnly: body.audience?.atRiskOnly ? "on" : undefined,
        notYetNotified: body.audience?.notYetNotified ? "on" : undefined,
        failedBefore: body.audience?.failedBefore ? "on" : undefined,
        places: (body.audience?.places ?? []).join(","),
        attributes: body.audience?.attributes,
      });
      const { incident, campaign } = await createCampaign(campaignDeps, ref(req), input, apiActor(req, res));
      res
        .status(201)
        .location(campaignPath(incident.reference, campaign.id))
        .json(await serializeCampaign(deps, incident.reference, campaign));
    },

    async list(req: Request, res: Response) {
      const incident = await requireIncident(deps, ref(req));
      const campaigns = await listIncidentCampaigns(deps, incident.id);
      res.json({ data: await Promise.all(campaigns.map((c) => serializeCampaign(deps, incident.reference, c))) });
    },

    async show(req: Request, res: Response) {
      await reply(req, res);
    },

    async approve(req: Request, res: Response) {
      await approveCampaign(campaignDeps, ref(req), id(req), apiActor(req, res));
      await reply(req, res);
    },

    /**
     * Starts sending now, or with {"scheduledAt": INSTANT} schedules the start. A notice that
     * differs from a submitted Australian statement is refused with 409 statement_mismatch and the
     * differences, unless {"override": {"reason": ...}} is given.
     */
    async start(req: Request, res: Response) {
      const body = parseApiBody(campaignStartBody, req.body);
      try {
        if (body.scheduledAt) await scheduleCampaign(campaignDeps, ref(req), id(req), body.scheduledAt, apiActor(req, res));
        else
          await sendCampaignNow(campaignDeps, ref(req), id(req), apiActor(req, res), { overrideReason: body.override?.reason });
      } catch (error) {
        if (!(error instanceof StatementDisagreementError)) throw error;
        const requestId = String(res.getHeader("x-request-id") ?? "");
        const differences = disagreementJson(error.agreement.refusals);
        res
          .status(409)
          .json({ error: { status: 409, code: "statement_mismatch", message: error.message, differences, requestId } });
        return;
      }
      await reply(req, res);
    },

    async pause(req: Request, res: Response) {
      const body = parseInput(pauseSchema, req.body);
      await pauseCampaign(campaignDeps, ref(req), id(req), body.reason, apiActor(req, res));
      await reply(req, res);
    },

    async resume(req: Request, res: Response) {
      await resumeCampaign(campaignDeps, ref(req), id(req), apiActor(req, res));
      await reply(req, res);
    },

    async cancel(req: Request, res: Response) {
      await cancelCampaign(campaignDeps, ref(req), id(req), apiActor(req, res));
      await reply(req, res);
    },

    async retryFailed(req: Request, res: Response) {
      await retryFailedDeliveries(campaignDeps, ref(req), id(req), apiActor(req, res));
      await reply(req, res);
    },

    /** The campaign's deliveries in the order queued, ?status=&q=&after=<cursor> as on the ledger page. */
    async deliveries(req: Request, res: Response) {
      const { incident, campaign } = await requireCampaign(deps, ref(req), id(req));
      const page = await loadLedgerPage(deps, incident, { ...req.query, campaign: campaign.id });
      const path = `${campaignPath(incident.reference, campaign.id)}/deliveries`;
      const next = new URLSearchParams();
      for (const key of ["status", "q"] as const) if (typeof req.query[key] === "string") next.set(key, req.query[key] as string);
      if (page.nextCursor) next.set("after", page.nextCursor);
      res.json({
        data: page.rows.map((r) => ({
          id: r.id,
          personId: r.personId,
          name: r.fullName,
          email: r.email,
          country: r.country,
          region: r.region,
          language: r.language,
          templateVersionId: r.templateVersionId,
          channel: r.channel,
          status: r.status,
          attempts: r.attempts,
          possibleRepeats: r.reclaims,
          messageId: r.messageId,
          smtpCode: r.smtpCode,
          smtpResponse: r.smtpResponse || null,
          exclusionReason: r.exclusionReason || null,
          queuedAt: iso(r.queuedAt),
          sentAt: iso(r.sentAt),
          failedAt: iso(r.failedAt),
          toldAt: iso(r.toldAt),
          toldNote: r.toldNote || null,
        })),
        page: { total: page.total, counts: page.counts, next: page.nextCursor ? `${path}?${next}` : null },
      });
    },
  };
}
