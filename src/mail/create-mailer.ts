import type { Config } from "../config/config.js";
import type { Database } from "../db/client.js";
import type { Clock } from "../lib/clock.js";
import { createCatcherMailer } from "./catcher-mailer.js";
import { dkimSigningOf } from "./dkim.js";
import type { Mailer } from "./mailer.js";
import { createSmtpMailer } from "./smtp-mailer.js";

/**
 * Chooses the transport from the configuration: the SMTP pool when SMTP_URL is set, the
 * built-in mail catcher otherwise, so nothing leaves the machine unless a relay is named. Both
 * sign with DKIM when DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_PATH are set.
 */
export function createMailer(config: Config, db: Database, clock?: Clock): Mailer {
  const dkim = dkimSigningOf(config);
  if (config.SMTP_URL) {
    return createSmtpMailer({ url: config.SMTP_URL, poolSize: config.SMTP_POOL_SIZE, from: config.MAIL_FROM, dkim });
  }
  return createCatcherMailer({ db, from: config.MAIL_FROM, dkim, ...(clock ? { clock } : {}) });
}
