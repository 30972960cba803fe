import { z } from "zod";
import type { DbOrTx } from "../../db/client.js";
import { defineJob, enqueueJob } from "../../jobs/index.js";
import { continueFanOut } from "./campaign-fan-out.service.js";
import { messageIdDomainOf } from "./campaign-settings.policy.js";
import { noticeRendering } from "./notice-rendering.service.js";

/** The job that writes the rest of a large campaign's deliveries, a batch a transaction (decision 0040). */
export const CAMPAIGN_FAN_OUT = "campaigns.fan-out";

/**
 * Writes a started campaign's deliveries after the unique key it keeps, until the last. A run
 * that stops before the end (the worker stopping, its lease lost, an error) fails, so the job is
 * tried again after a backoff: each try starts from the campaign's own mark, never from the
 * start, and a worker that stops waits for the batch in hand (its transaction) first.
 */
export const campaignFanOutJob = defineJob({
  id: CAMPAIGN_FAN_OUT,
  schema: z.object({ campaignId: z.string() }),
  maxAttempts: 20,
  async handler({ campaignId }, { db, config, clock, logger, signal }) {
    const deps = {
      db,
      clock,
      logger,
      rendering: noticeRendering,
      messageIdDomain: messageIdDomainOf(config),
      fanOutBatch: config.CAMPAIGN_FAN_OUT_BATCH,
    };
    const { after } = await continueFanOut(deps, campaignId, signal);
    if (after !== null) throw new Error(`stopped before the last batch; the next try continues after ${after}`);
  },
});

/** Queues the job that writes the rest of a campaign's deliveries, in the caller's transaction (once a campaign: keyed by it). */
export async function queueFanOut(db: { kind: "sqlite" | "postgresql" }, tx: DbOrTx, campaignId: string, now: Date) {
  await enqueueJob(db, tx, campaignFanOutJob, { campaignId }, { key: `${CAMPAIGN_FAN_OUT}:${campaignId}`, runAt: now, now });
}
