import { join } from "node:path";
import ejs from "ejs";
import type { Config } from "../../config/config.js";
import type { Database } from "../../db/client.js";
import type { JobHandlers } from "../../jobs/dispatcher.js";
import type { Clock } from "../../lib/clock.js";
import { sha256 } from "../../lib/ids.js";
import type { Logger } from "../../lib/logger.js";
import { projectRoot } from "../../lib/paths.js";
import type { Mailer } from "../../mail/mailer.js";
import type { RenderedEmail } from "../../mail/render.js";
import { findIncidentById } from "../incidents/incidents.repository.js";
import { findUserById } from "../users/users.repository.js";
import {
  CAMPAIGN_PAUSED_NOTICE,
  type PausedNoticePayload,
  pauseCampaignForErrors,
  settleSendingCampaigns,
} from "./campaign-automation.js";
import { messageIdDomainOf, type SenderSettings, senderSettingsOf } from "./campaign-settings.js";
import { startDueCampaigns } from "./campaign-start.service.js";
import { countDeliveriesByStatus, type DeliveryCounts, findCampaignById } from "./campaigns.repository.js";
import { DeliverySender } from "./delivery-sender.js";
import type { NoticeRendering } from "./notice-rendering.js";

export interface CampaignWorkerDeps {
  config: Config;
  db: Database;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  workerId: string;
  rendering: NoticeRendering;
  /** Overrides of the settings read from config (tests, the benchmark). */
  settings?: Partial<SenderSettings>;
  /** Pacing time and sleep (tests). */
  readMs?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * The worker's sender of campaign notices, with its maintenance (scheduled campaigns start when
 * their instant comes, drained ones complete) and its automatic pause.
 */
export function createCampaignSender(deps: CampaignWorkerDeps): DeliverySender {
  const settings = { ...senderSettingsOf(deps.config), ...deps.settings };
  const logger = deps.logger.child({ component: "campaign-sender" });
  const automation = { db: deps.db, clock: deps.clock, logger };
  const starting = { ...automation, rendering: deps.rendering, messageIdDomain: settings.messageIdDomain };
  return new DeliverySender({
    db: deps.db,
    mailer: deps.mailer,
    clock: deps.clock,
    logger,
    workerId: deps.workerId,
    rendering: deps.rendering,
    settings,
    async maintain(now) {
      await startDueCampaigns(starting, now);
      return (await settleSendingCampaigns(automation, now)).sending > 0;
    },
    pauseForErrors: (campaignId, reason) => pauseCampaignForErrors(automation, campaignId, reason),
    ...(deps.readMs ? { readMs: deps.readMs } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
}

const emailsDir = join(projectRoot, "views", "campaigns", "emails");

function asPlainText(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}

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
  const [html, text] = await Promise.all([
    ejs.renderFile(join(emailsDir, "paused.html.ejs"), data, { cache: true }),
    // A text/plain part is never read as HTML: values go in as they are.
    ejs.renderFile(join(emailsDir, "paused.text.ejs"), data, { cache: true, escape: asPlainText }),
  ]);
  return { subject: `Campaign paused: ${data.campaignName} (${data.incidentReference})`, html, text: `${text.trimEnd()}\n` };
}

/** The handlers of the campaigns' jobs: the e-mail to one manager about an automatic pause. */
export function createCampaignJobHandlers(settings: { config: Config; mailer: Mailer }): JobHandlers {
  const { config, mailer } = settings;
  return {
    async [CAMPAIGN_PAUSED_NOTICE](payload, { db, job, logger }) {
      const { campaignId, userId, reason } = payload as PausedNoticePayload;
      const campaign = await findCampaignById(db.prisma, campaignId);
      const user = await findUserById(db.prisma, userId);
      const incident = campaign ? await findIncidentById(db.prisma, campaign.incidentId) : null;
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
  };
}
