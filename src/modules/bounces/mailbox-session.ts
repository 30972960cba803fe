import { ImapSession } from "./imap-client.js";
import { MAILBOX_LIMITS, type MailboxLimits } from "./mailbox-socket.js";
import { Pop3Session } from "./pop3-client.js";

/** A message in the bounce mailbox: its id in this session (POP3 number, IMAP UID) and size. */
export interface MailboxMessage {
  id: number;
  bytes: number;
}

/**
 * A signed-in session on the bounce mailbox, whatever its protocol. Commands run one at a
 * time; deletions take effect only when finish() succeeds, so a session that fails or is closed
 * part-way leaves the mailbox as it was.
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

/**
 * Connects and signs in to pop3s://, pop3://, imaps:// or imap:// (user and password
 * URL-encoded). The session fails, naming the limit, past its total bytes or its deadline.
 */
export async function openBounceMailbox(url: string | URL, limits: MailboxLimits = MAILBOX_LIMITS): Promise<BounceMailbox> {
  const parsed = typeof url === "string" ? new URL(url) : url;
  switch (parsed.protocol) {
    case "pop3:":
    case "pop3s:":
      return Pop3Session.open(parsed, limits);
    case "imap:":
    case "imaps:":
      return ImapSession.open(parsed, limits);
    default:
      throw new Error(`The bounce mailbox URL must start with pop3s://, pop3://, imaps:// or imap://, not ${parsed.protocol}//.`);
  }
}
