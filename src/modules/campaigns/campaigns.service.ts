import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { parseInstant } from "../../lib/instants.js";
import { type Actor, withAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import { listIncidentAttributeNames } from "../people/index.js";
import { type Audience, attributeFiltersOf, describeAudience } from "./campaign-audience.policy.js";
import { requeueFailedDeliveries } from "./campaign-deliveries.sql.js";
import { startSettingsOf } from "./campaign-settings.policy.js";
import { startCampaign } from "./campaign-start.service.js";
import { applyCampaignTransition } from "./campaign-transitions.service.js";
import {
  type Campaign,
  cancelIdleDeliveries,
  countDeliveriesByStatus,
  countRetryableDeliveries,
  findCampaign,
  findTemplateOfIncident,
  insertCampaign,
  listCampaignsOfIncident,
  listVersionLabels,
} from "./campaigns.repository.js";
import type { CampaignInput } from "./campaigns.schemas.js";
import type { NoticeRendering } from "./notice-rendering.service.js";

export type CampaignDeps = Pick<Deps, "db" | "clock" | "config"> & { rendering: NoticeRendering };

export async function requireIncident(deps: Pick<Deps, "db">, reference: string): Promise<Incident> {
  return loadIncident(deps.db.prisma, reference);
}

/** The incident and one of its campaigns; not found for a campaign of another incident. */
export async function requireCampaign(deps: Pick<Deps, "db">, reference: string, campaignId: string) {
  const incident = await requireIncident(deps, reference);
  const campaign = await findCampaign(deps.db.prisma, incident.id, campaignId);
  if (!campaign) throw new AppError("not_found", `${incident.reference} has no such campaign.`);
  return { incident, campaign };
}

function audienceOf(input: CampaignInput): Audience {
  return {
    atRiskOnly: input.atRiskOnly,
    places: input.places,
    notYetNotified: input.notYetNotified,
    failedBefore: input.failedBefore,
    attributes: attributeFiltersOf(input).filters,
  };
}

/** Refuses a column filter on a column none of the incident's imports kept, naming the columns there are. */
async function assertKnownColumns(deps: Pick<Deps, "db">, incident: Incident, audience: Audience): Promise<void> {
  if (audience.attributes.length === 0) return;
  const known = await listIncidentAttributeNames(deps, incident.id);
  const unknown = audience.attributes.filter((f) => !known.some((k) => k.toLowerCase() === f.name.toLowerCase()));
  if (unknown.length === 0) return;
  const columns = known.length
    ? `The columns kept are: ${known.join(", ")}.`
    : "No import of this incident kept a column of its own.";
  throw new AppError("validation", "Some fields need correcting.", {
    attributeName: `No imported column is named ${unknown.map((f) => `“${f.name}”`).join(", ")}. ${columns}`,
  });
}

/** Creates a draft campaign of the incident (audited); a start instant is kept for the schedule step. */
export async function createCampaign(deps: CampaignDeps, reference: string, input: CampaignInput, actor: Actor) {
  const incident = await requireIncident(deps, reference);
  const now = deps.clock.now();
  const scheduledAt = input.when === "later" ? parseInstant(input.scheduledAt, incident.timeZone, "scheduledAt").at : null;
  if (scheduledAt && scheduledAt.getTime() <= now.getTime())
    throw new AppError("validation", "Some fields need correcting.", { scheduledAt: "Choose a time in the future." });
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const template = await findTemplateOfIncident(tx, incident.id, input.templateId);
    if (!template)
      throw new AppError("validation", "Some fields need correcting.", { templateId: "Choose one of this incident's notices." });
    const audience = audienceOf(input);
    await assertKnownColumns(deps, incident, audience);
    const campaign = await insertCampaign(tx, {
      id: newId(),
      incidentId: incident.id,
      name: input.name,
      templateId: template.id,
      versionIds: "{}",
      organisation: null,
      audience: JSON.stringify(audience),
      status: "draft",
      scheduledAt,
      isApprovalRequired: input.isApprovalRequired,
      approvedById: null,
      approvedAt: null,
      pauseReason: "",
      startedAt: null,
      finishedAt: null,
      fanOutAfter: null,
      fanOutTotal: null,
      createdById: actor.userId,
      createdAt: now,
      updatedAt: now,
    });
    return {
      result: { incident, campaign },
      audit: {
        action: "campaign.create",
        entityType: "campaign",
        entityId: campaign.id,
        incidentId: incident.id,
        after: {
          name: campaign.name,
          template: template.name,
          audience: describeAudience(audience),
          scheduledAt: scheduledAt?.toISOString() ?? null,
          isApprovalRequired: campaign.isApprovalRequired,
        },
      },
    };
  });
}

/** Records a second manager's approval (audited); refused for the campaign's creator. */
export async function approveCampaign(deps: CampaignDeps, reference: string, campaignId: string, actor: Actor) {
  const { campaign } = await requireCampaign(deps, reference, campaignId);
  return applyCampaignTransition(deps, campaign.id, { action: "approve", actorId: actor.userId }, actor);
}

/** Starts sending now: see startCampaign (overrideReason: a manager's reason to start although the notice differs from an Australian statement). */
export async function sendCampaignNow(
  deps: CampaignDeps,
  reference: string,
  campaignId: string,
  actor: Actor,
  options: { overrideReason?: string } = {},
) {
  const { campaign } = await requireCampaign(deps, reference, campaignId);
  return startCampaign({ ...deps, ...startSettingsOf(deps.config) }, campaign, actor, options);
}

/** Schedules a draft to start at an instant typed in the incident's zone (the worker starts it then). */
export async function scheduleCampaign(deps: CampaignDeps, reference: string, campaignId: string, at: string, actor: Actor) {
  const { incident, campaign } = await requireCampaign(deps, reference, campaignId);
  const instant = parseInstant(at, incident.timeZone, "scheduledAt").at;
  return applyCampaignTransition(deps, campaign.id, { action: "schedule", actorId: actor.userId, at: instant }, actor);
}

/** A scheduled campaign goes back to draft; nothing was sent. */
export async function unscheduleCampaign(deps: CampaignDeps, reference: string, campaignId: string, actor: Actor) {
  const { campaign } = await requireCampaign(deps, reference, campaignId);
  return applyCampaignTransition(deps, campaign.id, { action: "unschedule", actorId: actor.userId }, actor);
}

/** Pauses a sending campaign: workers stop claiming its notices and hand back those not yet tried. */
export async function pauseCampaign(deps: CampaignDeps, reference: string, campaignId: string, reason: string, actor: Actor) {
  const { campaign } = await requireCampaign(deps, reference, campaignId);
  const why = `Paused by ${actor.label}${reason ? `: ${reason}` : "."}`;
  return applyCampaignTransition(deps, campaign.id, { action: "pause", actorId: actor.userId, reason: why }, actor);
}

export async function resumeCampaign(deps: CampaignDeps, reference: string, campaignId: string, actor: Actor) {
  const { campaign } = await requireCampaign(deps, reference, campaignId);
  return applyCampaignTransition(deps, campaign.id, { action: "resume", actorId: actor.userId }, actor);
}

/**
 * Cancels a campaign: its queued notices are cancelled in the same transaction (audited with
 * how many); notices in flight finish and are recorded as they end. What was sent stays sent.
 */
export async function cancelCampaign(deps: CampaignDeps, reference: string, campaignId: string, actor: Actor) {
  const { campaign } = await requireCampaign(deps, reference, campaignId);
  return applyCampaignTransition(deps, campaign.id, { action: "cancel", actorId: actor.userId }, actor, {
    apply: async (tx, _campaign, _plan, now) => ({ cancelledDeliveries: await cancelIdleDeliveries(tx, campaign.id, now) }),
  });
}

/**
 * "Retry the failed ones": queues the campaign's failed notices again, except those whose
 * address has bounced hard (audited with how many); a completed campaign sends again.
 */
export async function retryFailedDeliveries(deps: CampaignDeps, reference: string, campaignId: string, actor: Actor) {
  const { campaign } = await requireCampaign(deps, reference, campaignId);
  return applyCampaignTransition(deps, campaign.id, { action: "retry_failed", actorId: actor.userId }, actor, {
    prepare: async (tx, current) => ({ retryableCount: await countRetryableDeliveries(tx, current.id) }),
    apply: async (tx, current, _plan, now) => ({ requeued: await requeueFailedDeliveries(deps.db.kind, tx, current.id, now) }),
  });
}

/** The incident's campaigns, latest first (the JSON API's list, the ledger's filter). */
export function listIncidentCampaigns(deps: Pick<Deps, "db">, incidentId: string): Promise<Campaign[]> {
  return listCampaignsOfIncident(deps.db.prisma, incidentId);
}

/** How many of a campaign's deliveries are in each status, with the total. */
export function countCampaignDeliveries(deps: Pick<Deps, "db">, campaignId: string) {
  return countDeliveriesByStatus(deps.db.prisma, campaignId);
}

/** Language, number and subject of template versions by id, for naming what a delivery was sent with. */
export function listTemplateVersionLabels(deps: Pick<Deps, "db">, ids: string[]) {
  return listVersionLabels(deps.db.prisma, ids);
}

export type { Campaign };
