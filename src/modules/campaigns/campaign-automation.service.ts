import type { Database, DbOrTx } from "../../db/client.js";
import { enqueueJob } from "../../jobs/index.js";
import type { Clock } from "../../lib/clock.js";
import { AppError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { systemActor } from "../audit/index.js";
import { findIncidentWithId, resolveIncidentAccess } from "../incidents/index.js";
import { cancelStrandedDeliveries } from "./campaign-deliveries.sql.js";
import { CAMPAIGN_PAUSED_NOTICE, campaignPausedNoticeJob } from "./campaign-paused-notice.job.js";
import { applyCampaignTransition } from "./campaign-transitions.service.js";
import {
  countDeliveriesByStatus,
  hasUnfinishedDeliveries,
  listActiveManagers,
  listCampaignsWithStatus,
} from "./campaigns.repository.js";

interface AutomationDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
}

/** Raised inside a transaction to leave it without writing: the campaign still has notices to send. */
const STILL_SENDING = "The campaign still has notices to send.";

/**
 * Who hears that a campaign paused itself: the incident's owner, the campaign's creator and
 * its approver (those still active managers or admins); when none is, every active manager
 * and admin, so the news always reaches someone who can act. Either way only those who act as
 * a manager on the incident (need-to-know, decision 0030: a restricted incident's team, with the
 * role it gives them; administrators always).
 */
async function pauseNoticeRecipients(
  tx: DbOrTx,
  campaign: { incidentId: string; createdById: string | null; approvedById: string | null },
) {
  const incident = await findIncidentWithId(tx, campaign.incidentId);
  const canAct = async (users: Awaited<ReturnType<typeof listActiveManagers>>) => {
    if (!incident) return users;
    const kept = [];
    for (const user of users) {
      const access = await resolveIncidentAccess(tx, user, incident.reference).catch(() => null);
      if (access && access.role !== "viewer") kept.push(user);
    }
    return kept;
  };
  const ids = [incident?.ownerId, campaign.createdById, campaign.approvedById].filter((id): id is string => !!id);
  const named = ids.length ? await canAct(await listActiveManagers(tx, [...new Set(ids)])) : [];
  return named.length ? named : canAct(await listActiveManagers(tx));
}

/**
 * Pauses a sending campaign whose error share crossed the threshold, saying why, and enqueues
 * one e-mail per manager to tell (keyed by campaign, instant and user) in the same transaction,
 * audited as the system's. False when it was no longer sending (paused or cancelled meanwhile).
 */
export async function pauseCampaignForErrors(deps: AutomationDeps, campaignId: string, reason: string): Promise<boolean> {
  try {
    await applyCampaignTransition(deps, campaignId, { action: "auto_pause", actorId: null, reason }, systemActor, {
      apply: async (tx, campaign, _plan, now) => {
        const recipients = await pauseNoticeRecipients(tx, campaign);
        for (const user of recipients) {
          const key = `${CAMPAIGN_PAUSED_NOTICE}:${campaignId}:${now.toISOString()}:${user.id}`;
          const payload = { campaignId, userId: user.id, reason };
          await enqueueJob(deps.db, tx, campaignPausedNoticeJob, payload, { key, runAt: now, now });
        }
        return { managersTold: recipients.map((u) => u.email) };
      },
    });
    deps.logger.warn({ campaignId, reason }, "campaign paused itself");
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === "conflict") return false;
    throw error;
  }
}

/**
 * Completes each sending campaign that has no queued or in-flight notice left (checked again
 * under the campaign's lock, so a retry queued meanwhile keeps it sending), audited with its
 * counts; and cancels notices stranded in flight by a dead worker in cancelled campaigns.
 * Returns how many campaigns completed.
 */
export async function completeDrainedCampaigns(deps: AutomationDeps, now: Date): Promise<number> {
  return (await settleSendingCampaigns(deps, now)).completed;
}

/**
 * completeDrainedCampaigns, also saying how many campaigns were sending and did not complete:
 * when none, the sender has nothing to claim and skips its claim (an idle worker's queries).
 */
export async function settleSendingCampaigns(deps: AutomationDeps, now: Date): Promise<{ completed: number; sending: number }> {
  await cancelStrandedDeliveries(deps.db, now);
  let completed = 0;
  const sending = await listCampaignsWithStatus(deps.db.prisma, "sending");
  for (const { id } of sending) {
    if (await hasUnfinishedDeliveries(deps.db.prisma, id)) continue;
    try {
      await applyCampaignTransition(deps, id, { action: "complete", actorId: null }, systemActor, {
        prepare: async (tx) => {
          if (await hasUnfinishedDeliveries(tx, id)) throw new AppError("conflict", STILL_SENDING);
          return {};
        },
        apply: async (tx) => {
          const { queued: _queued, sending: _sending, ...counts } = await countDeliveriesByStatus(tx, id);
          return { counts };
        },
      });
      completed += 1;
      deps.logger.info({ campaignId: id }, "campaign completed");
    } catch (error) {
      if (!(error instanceof AppError && error.code === "conflict")) throw error;
    }
  }
  return { completed, sending: sending.length - completed };
}
