import type { Database, DbOrTx } from "../../db/client.js";
import { refreshPlannerStatistics } from "../../db/planner-statistics.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import { recordAudit, systemActor } from "../audit/index.js";
import { audienceCondition, parseAudience } from "./campaign-audience.policy.js";
import { lockCampaignRow } from "./campaign-deliveries.sql.js";
import { LONG_TRANSACTION } from "./campaign-transitions.service.js";
import {
  type Campaign,
  countDeliveriesByStatus,
  findCampaignById,
  listAudienceLanguages,
  setCampaignFanOut,
} from "./campaigns.repository.js";
import { type DeliveryFanOut, fanOutBatchEnd, fanOutDeliveries } from "./delivery-fan-out.sql.js";
import type { NoticeRendering } from "./notice-rendering.service.js";

// A campaign's fan-out in batches (decision 0040): the start writes the first batch of
// deliveries in its own transaction; when the audience is larger, the campaign keeps the unique
// key of the last person written (fan_out_after) and a job of the worker writes the rest, one
// batch a transaction, in unique-key order, while the sender already sends what is written.
// Until the last batch is written the campaign cannot complete.

export interface FanOutDeps {
  db: Database;
  clock: Clock;
  rendering: NoticeRendering;
  messageIdDomain: string;
  /** Deliveries written in one transaction (CAMPAIGN_FAN_OUT_BATCH). */
  fanOutBatch: number;
}

/** Deliveries written at once past which the planner's statistics of the table are refreshed. */
const FRESH_STATISTICS_AFTER = 1000;

/**
 * What every batch of a campaign's fan-out writes besides the people: the version each language
 * present in the audience gets (the renderer's choice, read once), the fallback, the Message-ID
 * domain and the instant.
 */
export async function fanOutPlanOf(
  deps: Pick<FanOutDeps, "rendering" | "messageIdDomain">,
  tx: DbOrTx,
  campaign: Pick<Campaign, "id" | "incidentId" | "audience">,
  versionIds: Record<string, string>,
  now: Date,
): Promise<DeliveryFanOut> {
  const condition = audienceCondition(campaign.incidentId, parseAudience(campaign.audience));
  const renderer = await deps.rendering.loadNoticeRenderer(tx, campaign.incidentId, versionIds);
  const versionByLanguage: Record<string, string> = {};
  for (const language of await listAudienceLanguages(tx, condition)) {
    versionByLanguage[language ?? ""] = renderer.versionFor(language).id;
  }
  return {
    campaignId: campaign.id,
    audience: condition,
    versionByLanguage,
    fallbackVersionId: renderer.versionFor(null).id,
    messageIdDomain: deps.messageIdDomain,
    now,
  };
}

/**
 * The start's part, in the start's transaction: the first batch of deliveries, or all of them
 * when the audience fits in one. When it does not, the campaign keeps where the next batch
 * starts and the audience's size, and the unique key it keeps is returned: the caller queues the
 * job that writes the rest (campaign-fan-out.job.ts). Null when every delivery is written.
 */
export async function writeFirstFanOutBatch(
  deps: Pick<FanOutDeps, "db" | "fanOutBatch">,
  tx: DbOrTx,
  plan: DeliveryFanOut,
  audienceTotal: number,
): Promise<string | null> {
  const through = audienceTotal > deps.fanOutBatch ? await fanOutBatchEnd(deps.db.kind, tx, plan, deps.fanOutBatch) : null;
  await fanOutDeliveries(deps.db.kind, tx, { ...plan, through });
  if (through !== null) await setCampaignFanOut(tx, plan.campaignId, { after: through, total: audienceTotal });
  return through;
}

/** Refreshes the delivery table's planner statistics after a large write (autovacuum may be off). */
export async function refreshAfterFanOut(db: Database, written: number): Promise<void> {
  if (written >= FRESH_STATISTICS_AFTER) await refreshPlannerStatistics(db, "delivery");
}

/**
 * The job's part: writes the rest of a started campaign's deliveries, one batch a transaction,
 * each under the campaign's lock and only while the campaign is not cancelled (a cancelled
 * campaign's fan-out stops where it is, and says so in the audit), until the last batch (audited
 * with the counts) or until `signal` asks to stop. People recorded after the start are left out,
 * as the start's single write would have. Returns the batches written and, when it stopped
 * before the end, the unique key the next run starts after.
 */
export async function continueFanOut(
  deps: FanOutDeps & { logger: Logger },
  campaignId: string,
  signal?: AbortSignal,
): Promise<{ batches: number; after: string | null }> {
  const campaign = await findCampaignById(deps.db.prisma, campaignId);
  if (!campaign || campaign.fanOutAfter === null || !campaign.startedAt) return { batches: 0, after: null };
  const versionIds = JSON.parse(campaign.versionIds) as Record<string, string>;
  const plan = await fanOutPlanOf(deps, deps.db.prisma, campaign, versionIds, campaign.startedAt);
  let batches = 0;
  let written = 0;
  let after: string | null = campaign.fanOutAfter;
  while (after !== null && !signal?.aborted) {
    const step = await deps.db.prisma.$transaction(
      (tx) => writeNextBatch(deps, tx, campaignId, { ...plan, recordedBy: campaign.startedAt }),
      LONG_TRANSACTION,
    );
    after = step.after;
    written += step.written;
    if (step.written > 0) batches += 1;
  }
  await refreshAfterFanOut(deps.db, written);
  deps.logger.info({ campaignId, batches, written, isDone: after === null }, "campaign fan-out batches written");
  return { batches, after };
}

async function writeNextBatch(deps: FanOutDeps, tx: DbOrTx, campaignId: string, plan: DeliveryFanOut) {
  await lockCampaignRow(deps.db.kind, tx, campaignId);
  const campaign = await findCampaignById(tx, campaignId);
  if (!campaign || campaign.fanOutAfter === null) return { after: null, written: 0 };
  if (campaign.status === "cancelled") {
    await setCampaignFanOut(tx, campaignId, { after: null, total: campaign.fanOutTotal });
    await auditFanOut(deps, tx, campaign, "campaign.fan_out_stopped");
    return { after: null, written: 0 };
  }
  const batch = { ...plan, after: campaign.fanOutAfter };
  const through = await fanOutBatchEnd(deps.db.kind, tx, batch, deps.fanOutBatch);
  const written = await fanOutDeliveries(deps.db.kind, tx, { ...batch, through });
  await setCampaignFanOut(tx, campaignId, { after: through, total: campaign.fanOutTotal });
  if (through === null) await auditFanOut(deps, tx, campaign, "campaign.fanned_out");
  return { after: through, written };
}

/** The audit entry of a fan-out's end: every delivery written, or stopped by a cancel. */
async function auditFanOut(deps: FanOutDeps, tx: DbOrTx, campaign: Campaign, action: string) {
  const counts = await countDeliveriesByStatus(tx, campaign.id);
  await recordAudit(
    deps.db,
    tx,
    systemActor,
    {
      action,
      entityType: "campaign",
      entityId: campaign.id,
      incidentId: campaign.incidentId,
      before: { name: campaign.name, status: campaign.status },
      after: {
        name: campaign.name,
        status: campaign.status,
        audience: campaign.fanOutTotal,
        written: counts.total,
        queued: counts.queued,
        excluded: counts.excluded,
      },
    },
    deps.clock,
  );
}
