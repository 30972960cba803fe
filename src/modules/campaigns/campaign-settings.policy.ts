import type { Config } from "../../config/config.js";
import type { SendRateLimits } from "./token-bucket.policy.js";

/** How the delivery sender works, from the settings (see config.ts for each key's meaning). */
export interface SenderSettings {
  rate: SendRateLimits;
  /**
   * On PostgreSQL the rate is the deployment's, shared through the database (decision 0035);
   * false keeps this worker's own bucket in memory (a test of the pacing itself, on fake time).
   */
  isRateShared?: boolean;
  leaseMs: number;
  retryWindowMs: number;
  errorWindow: number;
  pauseErrorShare: number;
  messageIdDomain: string;
  /** Deliveries claimed at once. */
  batchSize: number;
  /** Messages in flight at once (the SMTP pool queues beyond its connections). */
  concurrency: number;
  /** Idle wait between two claims that found nothing. */
  pollMs: number;
  /** The page where people check a notice's code (PUBLIC_URL/verify), for {{verification.url}}. */
  verifyUrl?: string;
}

/**
 * Claimed at once: large enough that claiming costs little per message (measured in
 * bench/send.ts), small enough that a crash re-sends at most this many (only those in flight
 * are, as results are recorded every few messages).
 */
const BATCH_SIZE = 200;

/** The domain of the Message-IDs: MESSAGE_ID_DOMAIN, else the domain of MAIL_FROM's address. */
export function messageIdDomainOf(config: Pick<Config, "MESSAGE_ID_DOMAIN" | "MAIL_FROM">): string {
  if (config.MESSAGE_ID_DOMAIN) return config.MESSAGE_ID_DOMAIN;
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(config.MAIL_FROM)?.[1];
  return domain ?? "breachdesk.invalid";
}

/**
 * What a campaign's start is checked and written with besides the notice: the Message-ID domain,
 * PUBLIC_URL when configured, since notices must then carry {{verification.code}} (decision
 * 0019), and the deliveries it writes in its own transaction (decision 0040).
 */
export function startSettingsOf(config: Config): { messageIdDomain: string; publicSite?: string; fanOutBatch: number } {
  return {
    messageIdDomain: messageIdDomainOf(config),
    ...(config.PUBLIC_URL ? { publicSite: config.publicUrl } : {}),
    fanOutBatch: config.CAMPAIGN_FAN_OUT_BATCH,
  };
}

/** The sender's settings from the configuration. */
export function senderSettingsOf(config: Config): SenderSettings {
  return {
    rate: { perSecond: config.MAIL_RATE_PER_SECOND, perHour: config.MAIL_RATE_PER_HOUR },
    leaseMs: config.MAIL_LEASE_SECONDS * 1000,
    retryWindowMs: config.MAIL_RETRY_HOURS * 3_600_000,
    errorWindow: config.CAMPAIGN_ERROR_WINDOW,
    pauseErrorShare: config.CAMPAIGN_PAUSE_ERROR_SHARE,
    messageIdDomain: messageIdDomainOf(config),
    batchSize: BATCH_SIZE,
    concurrency: Math.max(4, config.SMTP_POOL_SIZE * 4),
    pollMs: config.WORKER_POLL_MS,
    verifyUrl: `${config.publicUrl}/verify`,
  };
}
