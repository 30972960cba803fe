import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { recordBounceReports, reportsFromDsn } from "./bounces.service.js";
import { parseDeliveryStatusNotification } from "./dsn.policy.js";
import { MAX_DSN_BYTES } from "./dsn-upload.middleware.js";
import { openBounceMailbox } from "./mailbox-session.client.js";
import { MAILBOX_LIMITS, type MailboxLimits, MailboxMessageTooLarge } from "./mailbox-socket.client.js";

/** Messages read per poll: a flood waits for the next poll instead of holding the worker. */
const MAX_MESSAGES_PER_POLL = 200;

export interface MailboxPollResult {
  /** Messages in the mailbox when read. */
  messages: number;
  /** Bounce messages recorded and deleted from the mailbox. */
  recorded: number;
  /** Messages left in the mailbox: not bounce messages, or too large to be one (by their announced size or past the cap). */
  leftAlone: number;
}

/**
 * Reads the bounce mailbox over IMAP: each bounce message (RFC 3464) is recorded like an
 * uploaded one, then deleted from the mailbox; anything else (an auto-reply, a person's answer)
 * is left there for someone to read, as is a message too large to be a bounce. Deletions apply
 * only when the session ends normally (one EXPUNGE at its end), after the reports are
 * committed, so a failure mid-way re-reads them (recording a report twice keeps two events; the
 * bounce itself applies once). A message larger than its announced size and the cap is skipped
 * and logged; a session past its total bytes or deadline fails naming the limit (`limits`).
 */
export async function pollBounceMailbox(
  deps: Deps,
  url: string,
  limits: MailboxLimits = MAILBOX_LIMITS,
): Promise<MailboxPollResult> {
  const session = await openBounceMailbox(url, limits);
  const result: MailboxPollResult = { messages: 0, recorded: 0, leftAlone: 0 };
  try {
    const messages = await session.list();
    result.messages = messages.length;
    for (const message of messages.slice(0, MAX_MESSAGES_PER_POLL)) {
      if (message.bytes > MAX_DSN_BYTES) {
        result.leftAlone++;
        continue;
      }
      let raw: Buffer;
      try {
        raw = await session.retrieve(message.id);
      } catch (error) {
        if (!(error instanceof MailboxMessageTooLarge)) throw error;
        deps.logger.warn({ message: message.id, announcedBytes: message.bytes, limitBytes: error.limitBytes }, error.message);
        result.leftAlone++;
        continue;
      }
      let reports: ReturnType<typeof reportsFromDsn>;
      try {
        reports = reportsFromDsn(await parseDeliveryStatusNotification(raw));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        result.leftAlone++;
        continue;
      }
      if (reports.length > 0) {
        await recordBounceReports(deps, reports, "mailbox", { userId: null, label: "bounce mailbox", ip: null });
      }
      await session.delete(message.id);
      result.recorded++;
    }
    await session.finish();
  } catch (error) {
    session.close();
    throw error;
  }
  return result;
}
