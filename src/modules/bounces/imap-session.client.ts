// The bounce mailbox over IMAP, on imapflow: sign in, open the mailbox, list by UID with sizes,
// fetch each message's first bytes up to the cap, delete the recorded ones with one STORE and
// EXPUNGE at the end, log out. imapflow speaks the protocol; this file holds the session's limits
// and says what went wrong in words a person can act on.
import type { ImapFlow } from "imapflow";
import type { BounceMailbox, MailboxMessage } from "./mailbox-session.client.js";
import {
  countingTransport,
  durationInWords,
  limitMessages,
  type MailboxAddress,
  MailboxError,
  type MailboxLimits,
  MailboxMessageTooLarge,
  mailboxAddressOf,
} from "./mailbox-socket.client.js";

/** How long the server may stay silent (its greeting, any answer) before the session gives up. */
const ANSWER_TIMEOUT_MS = 30_000;
/** Longest line without a literal: a bounce mailbox's answers are a FETCH of a few numbers a line. */
const MAX_LINE_BYTES = 64 * 1024;

/** What imapflow's errors carry, as far as these messages need it. */
interface ImapFlowFailure {
  code?: string;
  message?: string;
  authenticationFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
  reason?: string;
}

/** One signed-in IMAP session on a selected mailbox; its calls run one at a time, in order. */
export class ImapSession implements BounceMailbox {
  private readonly client: ImapFlow;
  private readonly deadline: NodeJS.Timeout;
  /** Why the session was stopped by a limit: every later failure is reported as this. */
  private stopReason: string | null = null;
  private receivedBytes = 0;
  /** The UID being fetched, to name it when the server sends more than was asked for. */
  private fetching: number | null = null;
  /** UIDs of the recorded messages, deleted by finish(). */
  private readonly recorded: number[] = [];

  private constructor(
    Flow: typeof ImapFlow,
    url: URL,
    private readonly address: MailboxAddress,
    private readonly limits: MailboxLimits,
  ) {
    this.client = new Flow({
      host: address.host,
      port: address.port,
      secure: address.isTls,
      doSTARTTLS: false,
      auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
      logger: false,
      disableAutoIdle: true,
      // Compressed, the counted bytes would say nothing of what the parser inflates and keeps.
      disableCompression: true,
      connectionTimeout: limits.connectTimeoutMs,
      greetingTimeout: ANSWER_TIMEOUT_MS,
      socketTimeout: ANSWER_TIMEOUT_MS,
      // A FETCH asks for at most the cap and one byte more: a longer literal is the server not
      // answering what was asked, and imapflow ends the connection before buffering any of it.
      maxLiteralSize: limits.maxMessageBytes + 1,
      maxLineLength: MAX_LINE_BYTES,
      maxResponseSize: limits.maxMessageBytes + 1 + MAX_LINE_BYTES,
      transport: countingTransport((bytes) => this.count(bytes)),
    });
    // imapflow ends the connection at its parser's limits and says why only here; the pending
    // call then fails as "no connection", explained by the limit that was passed.
    this.client.on("error", (error: ImapFlowFailure) => {
      this.stopReason ??= this.parserLimitOf(error);
    });
    this.deadline = setTimeout(() => this.stop(limitMessages.deadline(limits)), limits.sessionDeadlineMs);
    this.deadline.unref();
  }

  /**
   * Connects to imap://user:pass@host[:port][/mailbox] or imaps://..., signs in and opens the
   * mailbox (INBOX by default); the session stops at its limits.
   */
  static async open(url: URL, limits: MailboxLimits): Promise<ImapSession> {
    const address = mailboxAddressOf(url, { tls: 993, plain: 143 });
    // Loaded when first asked (about 12 MB): only a worker with BOUNCE_MAILBOX_URL reads a mailbox.
    const { ImapFlow: Flow } = await import("imapflow");
    const session = new ImapSession(Flow, url, address, limits);
    try {
      await session.client.connect().catch((error: ImapFlowFailure) => {
        throw session.explain(error, "the sign-in");
      });
      const mailbox = decodeURIComponent(url.pathname.replace(/^\//, "")) || "INBOX";
      await session.client.mailboxOpen(mailbox).catch((error: ImapFlowFailure) => {
        if (error.responseText && !session.stopReason) {
          throw new MailboxError(`The mailbox server cannot open "${mailbox}": ${serverWords(error)}`);
        }
        throw session.explain(error, "SELECT");
      });
      return session;
    } catch (error) {
      session.close();
      throw error;
    }
  }

  /** The messages in the mailbox by UID, oldest first, with their sizes in bytes. */
  async list(): Promise<MailboxMessage[]> {
    const mailbox = this.client.mailbox;
    if (!mailbox || mailbox.exists === 0) return [];
    return this.guard("FETCH", async () => {
      const messages: MailboxMessage[] = [];
      for await (const message of this.client.fetch("1:*", { uid: true, size: true })) {
        messages.push({ id: message.uid, bytes: message.size ?? 0 });
      }
      return messages;
    });
  }

  /**
   * The whole message, as its bytes; BODY.PEEK leaves it unread for whoever looks at the mailbox.
   * Only the cap and one byte more are asked for: a message that long, whatever its RFC822.SIZE
   * said, rejects with MailboxMessageTooLarge and the session goes on.
   */
  async retrieve(uid: number): Promise<Buffer> {
    const cap = this.limits.maxMessageBytes;
    this.fetching = uid;
    const message = await this.guard("UID FETCH", () =>
      this.client.fetchOne(String(uid), { source: { maxLength: cap + 1 } }, { uid: true }),
    );
    this.fetching = null;
    if (!message || !message.source) throw new MailboxError(`The mailbox no longer holds the message with UID ${uid}.`);
    if (message.source.length > cap) throw new MailboxMessageTooLarge(uid, cap);
    return message.source;
  }

  /** Remembers a recorded message; finish() deletes it. */
  async delete(uid: number): Promise<void> {
    this.recorded.push(uid);
  }

  /** Deletes the recorded messages (flags them \Deleted, then EXPUNGE), logs out and closes the connection. */
  async finish(): Promise<void> {
    try {
      if (this.recorded.length > 0) {
        const isDeleted = await this.guard("EXPUNGE", () => this.client.messageDelete(this.recorded.join(","), { uid: true }));
        // imapflow answers false both when the server refused and when the connection went.
        if (!isDeleted && (this.stopReason || !this.client.usable)) throw this.explain({ code: "NoConnection" }, "EXPUNGE");
        if (!isDeleted) throw new MailboxError("The mailbox server refused to delete the recorded bounce messages.");
      }
      await this.guard("LOGOUT", () => this.client.logout());
    } finally {
      this.close();
    }
  }

  /** Closes the connection without deleting anything. */
  close(): void {
    clearTimeout(this.deadline);
    this.client.close();
  }

  private count(bytes: number): void {
    this.receivedBytes += bytes;
    if (this.receivedBytes > this.limits.maxSessionBytes) this.stop(limitMessages.sessionBytes(this.limits));
  }

  /** Ends the session at a limit: the call under way fails, naming it. */
  private stop(reason: string): void {
    this.stopReason ??= reason;
    this.close();
  }

  /** Runs one call, its failure explained. */
  private async guard<T>(name: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.explain(error as ImapFlowFailure, name);
    }
  }

  /** The limit of imapflow's parser that `error` says was passed, in words, or null. */
  private parserLimitOf(error: ImapFlowFailure): string | null {
    if (error.code === "LiteralTooLarge" || error.code === "ResponseTooLarge") {
      return limitMessages.messageLiteral(this.limits, this.fetching);
    }
    if (error.code === "LineTooLarge") {
      return "The mailbox server sent a line too long for IMAP: stopped reading. Messages are left in the mailbox.";
    }
    return null;
  }

  /** imapflow's error in words that say what happened. */
  private explain(error: ImapFlowFailure, name: string): Error {
    this.stopReason ??= this.parserLimitOf(error);
    if (this.stopReason) return new MailboxError(this.stopReason);
    const { host, port } = this.address;
    switch (error.code) {
      case "CONNECT_TIMEOUT":
        return new MailboxError(
          `Cannot reach the mailbox at ${host}:${port}: no answer within ${durationInWords(this.limits.connectTimeoutMs)}.`,
        );
      case "ECONNREFUSED":
      case "ENOTFOUND":
      case "EHOSTUNREACH":
      case "ENETUNREACH":
      case "EAI_AGAIN":
        return new MailboxError(`Cannot reach the mailbox at ${host}:${port}: ${error.message}`);
      case "GREETING_TIMEOUT":
      case "ETIMEOUT":
        return new MailboxError("The mailbox server did not answer in time.");
      case "NoConnection":
      case "EConnectionClosed":
      case "ClosedAfterConnectText":
      case "ClosedAfterConnectTLS":
        return new MailboxError(`The mailbox server closed the connection${error.reason ? `: ${error.reason}` : "."}`);
    }
    if (error.authenticationFailed) return new MailboxError(`The mailbox refused the sign-in: ${serverWords(error)}`);
    if (error.responseText) return new MailboxError(`The mailbox server refused ${name}: ${serverWords(error)}`);
    return new MailboxError(`The mailbox connection failed: ${error.message ?? String(error)}`);
  }
}

/** "[AUTHENTICATIONFAILED] Invalid credentials": the server's response code and its words. */
function serverWords(error: ImapFlowFailure): string {
  return `${error.serverResponseCode ? `[${error.serverResponseCode}] ` : ""}${error.responseText ?? error.message ?? ""}`;
}
