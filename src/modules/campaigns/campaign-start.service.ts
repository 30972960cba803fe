import type { Database, DbOrTx } from "../../db/client.js";
import { fanOutDeliveries } from "../../db/dialect.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { type Actor, systemActor } from "../audit/audit.service.js";
import { audienceCondition, parseAudience } from "./campaign-audience.js";
import { applyCampaignTransition } from "./campaign-transitions.js";
import {
  type Campaign,
  countAudience,
  countDeliveriesByStatus,
  isCampaignInStatus,
  listAudienceLanguages,
  listDueScheduledCampaigns,
  updateCampaignIfStatus,
} from "./campaigns.repository.js";
import type { NoticeRendering } from "./notice-rendering.js";

export interface StartDeps {
  db: Database;
  clock: Clock;
  rendering: NoticeRendering;
  messageIdDomain: string;
}

/**
 * Pins the template's latest version of each language and writes the deliveries, inside the
 * start's transaction: the version each recipient gets is the renderer's choice for their
 * language, decided once per language present in the audience and applied by the fan-out.
 */
async function pinAndFanOut(deps: StartDeps, tx: DbOrTx, campaign: Campaign, now: Date) {
  const versionIds = await deps.rendering.latestVersionIds(tx, campaign.templateId);
  if (Object.keys(versionIds).length === 0)
    throw new AppError("conflict", "The campaign's template has no saved version yet: write and save the notice first.");
  const condition = audienceCondition(campaign.incidentId, parseAudience(campaign.audience));
  const audience = await countAudience(tx, condition);
  if (audience.total === 0) throw new AppError("conflict", "No one is in this campaign's audience: there is nobody to notify.");
  const renderer = await deps.rendering.loadNoticeRenderer(tx, campaign.incidentId, versionIds);
  const versionByLanguage: Record<string, string> = {};
  for (const language of await listAudienceLanguages(tx, condition)) {
    versionByLanguage[language ?? ""] = renderer.versionFor(language).id;
  }
  await updateCampaignIfStatus(tx, campaign.id, "sending", { versionIds: JSON.stringify(versionIds) });
  await fanOutDeliveries(deps.db.kind, tx, {
    campaignId: campaign.id,
    audience: condition,
    versionByLanguage,
    fallbackVersionId: renderer.versionFor(null).id,
    messageIdDomain: deps.messageIdDomain,
    now,
  });
  const counts = await countDeliveriesByStatus(tx, campaign.id);
  return { versionIds, recipients: counts.total, queued: counts.queued, excluded: counts.excluded };
}

/**
 * Starts a campaign now (from draft, or early from scheduled): in one transaction it moves to
 * sending, pins the template versions, writes one delivery per recipient and is audited with
 * the counts. Refused (nothing written) when approval is missing, the template has no version
 * or the audience is empty.
 */
export function startCampaign(deps: StartDeps, campaignId: string, actor: Actor) {
  return applyCampaignTransition(deps, campaignId, { action: "start", actorId: actor.userId }, actor, {
    apply: (tx, campaign, _plan, now) => pinAndFanOut(deps, tx, campaign, now),
  });
}

/** Starts each scheduled campaign whose instant has come; one that cannot start goes back to draft, saying why. */
export async function startDueCampaigns(deps: StartDeps & { logger: Logger }, now: Date): Promise<number> {
  let started = 0;
  for (const campaign of await listDueScheduledCampaigns(deps.db.prisma, now, 10)) {
    try {
      await startCampaign(deps, campaign.id, systemActor);
      started += 1;
      deps.logger.info({ campaignId: campaign.id }, "scheduled campaign started");
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === "not_found") continue;
      // Another worker started it, or it was changed meanwhile: nothing to undo.
      if (
        error.message.startsWith("The campaign changed") ||
        !(await isCampaignInStatus(deps.db.prisma, campaign.id, "scheduled"))
      )
        continue;
      const reason = `It could not start at its scheduled time: ${error.message}`;
      await applyCampaignTransition(deps, campaign.id, { action: "unschedule", actorId: null, reason }, systemActor);
      deps.logger.warn({ campaignId: campaign.id, reason }, "scheduled campaign went back to draft");
    }
  }
  return started;
}
