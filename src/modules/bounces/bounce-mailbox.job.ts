import type { Config } from "../../config/config.js";
import { defineJob, type PeriodicJob, periodicPayloadSchema } from "../../jobs/index.js";
import { pollBounceMailbox } from "./bounce-mailbox.service.js";

/** The periodic job that reads the bounce mailbox, when one is configured. */
export const BOUNCE_MAILBOX_POLL = "bounces.mailbox";

/** The mailbox poll: a failure is logged and retried by the job's attempts. */
export const bounceMailboxPollJob = defineJob({
  id: BOUNCE_MAILBOX_POLL,
  schema: periodicPayloadSchema,
  async handler(_payload, ctx) {
    const url = ctx.config.BOUNCE_MAILBOX_URL;
    if (!url) return;
    const result = await pollBounceMailbox(ctx, url);
    if (result.messages > 0) ctx.logger.info(result, "bounce mailbox read");
  },
});

/** The mailbox poll as a periodic job, when BOUNCE_MAILBOX_URL is set. */
export function bounceMailboxJobs(config: Config): PeriodicJob[] {
  return config.BOUNCE_MAILBOX_URL ? [{ job: bounceMailboxPollJob, everyMs: config.BOUNCE_MAILBOX_POLL_MINUTES * 60_000 }] : [];
}
