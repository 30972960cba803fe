import { ImapSession } from "./imap-session.client.js";
import { MAILBOX_LIMITS, MailboxError, type MailboxLimits } from "./mailbox-socket.client.js";

/** A message in the bounce mailbox: its IMAP UID and its size as the server announced it. */
export interface MailboxMessage {
  id: number;
  bytes: number;
}

/**
 * A signed-in session on the bounce mailbox. Calls run one at a time; deletions take effect
 * only when finish() succeeds, so a session that fails or is closed part-way leaves the mailbox
 * as it was.
 */
export interface BounceMailbox {
  /** The messages in the mailbox, oldest first. */
  list(): Promise<MailboxMessage[]>;
  /** The whole message, as its bytes; MailboxMessageTooLarge past the message cap (the session goes on). */
  retrieve(id: number): Promise<Buffer>;
  /** Marks a message for deletion; finish() removes it. */
  delete(id: number): Promise<void>;
  /** Applies the deletions, signs out and closes the connection. */
  finish(): Promise<void>;
  /** Closes the connection without applying the deletions. */
  close(): void;
}

/** Why a pop3:// or pop3s:// URL is refused, here and by the configuration at start. */
export const POP3_REFUSED =
  "POP3 is no longer read (no maintained POP3 client for Node): give the same mailbox over IMAP, imaps://user:password@host[:993][/mailbox].";

/**
 * Connects and signs in to imaps:// or imap:// (user and password URL-encoded). The session
 * fails, naming the limit, past its total bytes or its deadline.
 */
export async function openBounceMailbox(url: string | URL, limits: MailboxLimits = MAILBOX_LIMITS): Promise<BounceMailbox> {
  const parsed = typeof url === "string" ? new URL(url) : url;
  switch (parsed.protocol) {
    case "imap:":
    case "imaps:":
      return ImapSession.open(parsed, limits);
    case "pop3:":
    case "pop3s:":
      throw new MailboxError(POP3_REFUSED);
    default:
      throw new MailboxError(`The bounce mailbox URL must start with imaps:// or imap://, not ${parsed.protocol}//.`);
  }
}
