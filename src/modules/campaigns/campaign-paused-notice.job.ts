import { z } from "zod";
import { defineJob } from "../../jobs/index.js";
import { sha256 } from "../../lib/ids.js";
import { type RenderedEmail, renderEmail } from "../../mail/render.js";
import { findIncidentWithId } from "../incidents/index.js";
import { findUser } from "../users/index.js";
import { messageIdDomainOf } from "./campaign-settings.policy.js";
import { countDeliveriesByStatus, type DeliveryCounts, findCampaignById } from "./campaigns.repository.js";

/** The job that tells one manager why a campaign paused itself. */
export const CAMPAIGN_PAUSED_NOTICE = "campaigns.paused-notice";

export interface PausedMailData {
  recipientName: string;
  campaignName: string;
  incidentReference: string;
  incidentTitle: string;
  reason: string;
  counts: DeliveryCounts;
  link: string;
}

/** Renders the e-mail telling a manager why a campaign paused itself (views/campaigns/emails/paused.*.ejs). */
export async function renderPausedEmail(data: PausedMailData): Promise<RenderedEmail> {
  const subject = `Campaign paused: ${data.campaignName} (${data.incidentReference})`;
  return renderEmail("campaigns/emails/paused", subject, { ...data });
}

/**
 * The e-mail to one manager about an automatic pause (keyed by campaign, instant and user);
 * nothing is sent when the campaign, its incident or the user is gone.
 */
export const campaignPausedNoticeJob = defineJob({
  id: CAMPAIGN_PAUSED_NOTICE,
  schema: z.object({ campaignId: z.string(), userId: z.string(), reason: z.string() }),
  async handler({ campaignId, userId, reason }, { db, job, logger, config, mailer }) {
    const campaign = await findCampaignById(db.prisma, campaignId);
    const user = await findUser(db.prisma, userId);
    const incident = campaign ? await findIncidentWithId(db.prisma, campaign.incidentId) : null;
    if (!campaign || !incident || !user || user.status !== "active") {
      logger.info({ campaignId, userId }, "pause notice not sent: the campaign, its incident or the user is gone");
      return;
    }
    const mail = await renderPausedEmail({
      recipientName: user.name,
      campaignName: campaign.name,
      incidentReference: incident.reference,
      incidentTitle: incident.title,
      reason,
      counts: await countDeliveriesByStatus(db.prisma, campaign.id),
      link: `${config.publicUrl}/incidents/${encodeURIComponent(incident.reference)}/campaigns/${campaign.id}`,
    });
    // Derived from the job's key: a retry after a crash re-sends under the same id.
    const messageId = `<campaign-paused.${sha256(job.key).slice(0, 32)}@${messageIdDomainOf(config)}>`;
    await mailer.send({ to: user.email, ...mail, messageId });
  },
});
