import type { Config } from "../../config/config.js";
import type { Database } from "../../db/client.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import type { Mailer } from "../../mail/mailer.js";
import { pauseCampaignForErrors, settleSendingCampaigns } from "./campaign-automation.service.js";
import { campaignFanOutJob } from "./campaign-fan-out.job.js";
import { campaignPausedNoticeJob } from "./campaign-paused-notice.job.js";
import { type SenderSettings, senderSettingsOf, startSettingsOf } from "./campaign-settings.policy.js";
import { startDueCampaigns } from "./campaign-start.service.js";
import { DeliverySender } from "./delivery-sender.service.js";
import type { NoticeRendering } from "./notice-rendering.service.js";

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
  const starting = {
    ...automation,
    rendering: deps.rendering,
    ...startSettingsOf(deps.config),
    messageIdDomain: settings.messageIdDomain,
  };
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

/** The campaigns' job kinds (notices themselves are claimed from the delivery table, not as jobs). */
export const campaignJobs = [campaignPausedNoticeJob, campaignFanOutJob];
