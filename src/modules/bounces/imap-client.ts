// A small IMAP4rev1 client (RFC 3501) for the bounce mailbox: sign in with LOGIN, select the
// mailbox, list by UID, fetch, flag \Deleted, expunge, log out. Over TLS for imaps:// (port 993
// by default), plain TCP for imap:// (143); no STARTTLS.
import type net from "node:net";
import {
  type CommandPart,
  encodeMailboxName,
  ImapError,
  type ImapResponse,
  ImapResponseReader,
  imapString,
  MAX_LINE_BYTES,
  readFetch,
  uidSet,
} from "./imap-protocol.js";
import type { BounceMailbox, MailboxMessage } from "./mailbox-session.js";
import {
  connectToMailbox,
  limitMessages,
  MAILBOX_LIMITS,
  type MailboxLimits,
  MailboxMessageTooLarge,
  mailboxAddressOf,
} from "./mailbox-socket.js";

export { ImapError } from "./imap-protocol.js";

/** How long any one answer may take before the session gives up. */
const ANSWER_TIMEOUT_MS = 30_000;
/** UIDs per FETCH of sizes, so a large mailbox never makes a command line servers refuse. */
const UIDS_PER_FETCH = 500;

/** A command the server answered NO or BAD: `text` is the server's own words. */
class ImapRefusal extends ImapError {
  override name = "ImapRefusal";
}

interface Completion {
  untagged: ImapResponse[];
  text: string;
}

interface Pending {
  /** The command's tag; null while waiting for the server's greeting. */
  tag: string | null;
  untagged: ImapResponse[];
  /** Set while a literal waits for the server's "+" go-ahead. */
  onContinuation: (() => void) | null;
  resolve(value: Completion): void;
  reject(error: Error): void;
}

/** One signed-in IMAP session on a selected mailbox; its commands run one at a time, in order. */
export class ImapSession implements BounceMailbox {
  private readonly reader: ImapResponseReader;
  private pending: Pending | null = null;
  private failure: Error | null = null;
  private nextTag = 1;
  private byeText: string | null = null;
  private hasDeletions = false;
  private receivedBytes = 0;
  private readonly deadline: NodeJS.Timeout;

  private constructor(
    private readonly socket: net.Socket,
    private readonly limits: MailboxLimits,
  ) {
    this.reader = new ImapResponseReader({ maxLineBytes: MAX_LINE_BYTES, maxLiteralBytes: limits.maxMessageBytes });
    this.deadline = setTimeout(() => this.abort(new ImapError(limitMessages.deadline(limits))), limits.sessionDeadlineMs);
    this.deadline.unref();
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", (error) => this.fail(new ImapError(`The mailbox connection failed: ${error.message}`)));
    socket.on("close", () => {
      clearTimeout(this.deadline);
      this.fail(new ImapError(`The mailbox server closed the connection${this.byeText ? `: ${this.byeText}` : "."}`));
    });
    socket.setTimeout(ANSWER_TIMEOUT_MS, () => {
      this.fail(new ImapError("The mailbox server did not answer in time."));
      socket.destroy();
    });
  }

  /**
   * Connects to imap://user:pass@host[:port][/mailbox] or imaps://..., signs in and selects the
   * mailbox (INBOX by default); the session stops at its limits.
   */
  static async open(url: URL, limits: MailboxLimits = MAILBOX_LIMITS): Promise<ImapSession> {
    const socket = await connectToMailbox(mailboxAddressOf(url, { tls: 993, plain: 143 }), (message) => new ImapError(message));
    const session = new ImapSession(socket, limits);
    try {
      const greeting = await session.greeting();
      if (/^BYE\b/i.test(greeting)) throw new ImapError(`The mailbox server turned the connection away: ${greeting.slice(4)}`);
      // PREAUTH: the server already knows who we are (RFC 3501 section 7.1.4).
      if (!/^PREAUTH\b/i.test(greeting)) {
        const user = imapString(decodeURIComponent(url.username));
        const password = imapString(decodeURIComponent(url.password));
        await session.run(["LOGIN", user, password]).catch((error: Error) => {
          throw error instanceof ImapRefusal ? new ImapError(`The mailbox refused the sign-in: ${error.message}`) : error;
        });
      }
      const mailbox = decodeURIComponent(url.pathname.replace(/^\//, "")) || "INBOX";
      await session.run(["SELECT", imapString(encodeMailboxName(mailbox))]).catch((error: Error) => {
        throw error instanceof ImapRefusal
          ? new ImapError(`The mailbox server cannot open "${mailbox}": ${error.message}`)
          : error;
      });
      return session;
    } catch (error) {
      session.close();
      throw error;
    }
  }

  /** The messages in the mailbox by UID, oldest first, with their sizes in bytes. */
  async list(): Promise<MailboxMessage[]> {
    const search = await this.command("UID SEARCH", ["UID", "SEARCH", "ALL"]);
    const uids = search.untagged
      .flatMap((r) => (/^SEARCH\b/i.test(r.text) ? r.text.slice(6).trim().split(/\s+/).filter(Boolean).map(Number) : []))
      .sort((a, b) => a - b);
    const sizes = new Map<number, number>();
    for (let k = 0; k < uids.length; k += UIDS_PER_FETCH) {
      const fetched = await this.command("UID FETCH", [
        "UID",
        "FETCH",
        uidSet(uids.slice(k, k + UIDS_PER_FETCH)),
        "(RFC822.SIZE)",
      ]);
      for (const response of fetched.untagged) {
        const items = readFetch(response)?.items;
        const size = items?.get("RFC822.SIZE");
        if (typeof size === "string") sizes.set(Number(items?.get("UID")), Number(size));
      }
    }
    // A message expunged by someone else between SEARCH and FETCH has no size: it is gone.
    return uids.flatMap((uid) => (sizes.has(uid) ? [{ id: uid, bytes: sizes.get(uid)! }] : []));
  }

  /**
   * The whole message, as its bytes; BODY.PEEK leaves it unread for whoever looks at the mailbox.
   * One larger than the message cap, whatever its RFC822.SIZE said, is read without being kept
   * and rejects with MailboxMessageTooLarge.
   */
  async retrieve(uid: number): Promise<Buffer> {
    const { untagged } = await this.command("UID FETCH", ["UID", "FETCH", String(uid), "BODY.PEEK[]"]);
    // A server may split one message's items over several FETCH responses: match them by sequence number.
    const seqOfUid = new Set<number>();
    const bodies = new Map<number, Buffer | null>();
    for (const response of untagged) {
      const fetch = readFetch(response);
      if (!fetch) continue;
      if (Number(fetch.items.get("UID")) === uid) seqOfUid.add(fetch.seq);
      const body = fetch.items.get("BODY[]");
      if (Buffer.isBuffer(body)) bodies.set(fetch.seq, response.droppedLiteralBytes ? null : body);
    }
    for (const [seq, body] of bodies) {
      if (!seqOfUid.has(seq)) continue;
      if (body === null) throw new MailboxMessageTooLarge(uid, this.limits.maxMessageBytes);
      return body;
    }
    throw new ImapError(`The mailbox no longer holds the message with UID ${uid}.`);
  }

  /** Flags a message \Deleted; finish() expunges it. */
  async delete(uid: number): Promise<void> {
    await this.command("UID STORE", ["UID", "STORE", String(uid), "+FLAGS.SILENT", "(\\Deleted)"]);
    this.hasDeletions = true;
  }

  /** Expunges the flagged messages (when there are any), logs out and closes the connection. */
  async finish(): Promise<void> {
    try {
      if (this.hasDeletions) await this.command("EXPUNGE", ["EXPUNGE"]);
      await this.run(["LOGOUT"]).catch((error: Error) => {
        // A server that says BYE and hangs up before its OK has still ended the session.
        if (this.byeText === null) throw error;
      });
    } finally {
      this.close();
    }
  }

  /** Closes the connection without expunging. */
  close(): void {
    clearTimeout(this.deadline);
    this.socket.destroy();
  }

  /** Runs a command after the session opened; a NO or BAD answer names the command and the server's words. */
  private command(name: string, parts: CommandPart[]): Promise<Completion> {
    return this.run(parts).catch((error: Error) => {
      throw error instanceof ImapRefusal ? new ImapError(`The mailbox server refused ${name}: ${error.message}`) : error;
    });
  }

  private greeting(): Promise<string> {
    return this.wait(null).then((completion) => completion.text);
  }

  /** Sends one tagged command; a literal part waits for the server's "+" before its bytes. */
  private run(parts: CommandPart[]): Promise<Completion> {
    if (this.pending) return Promise.reject(new ImapError("IMAP commands run one at a time."));
    if (parts.some((part) => typeof part === "string" && /[\r\n]/.test(part))) {
      return Promise.reject(new ImapError("An IMAP command cannot contain a line break."));
    }
    const tag = `B${this.nextTag++}`;
    const done = this.wait(tag);
    const pending = this.pending as Pending | null;
    if (!pending) return done;
    const send = (from: number, start: string) => {
      let line = start;
      for (let k = from; k < parts.length; k++) {
        const part = parts[k]!;
        if (typeof part === "string") {
          line += ` ${part}`;
          continue;
        }
        this.socket.write(`${line} {${part.literal.length}}\r\n`);
        pending.onContinuation = () => {
          this.socket.write(part.literal);
          send(k + 1, "");
        };
        return;
      }
      this.socket.write(`${line}\r\n`);
    };
    send(0, tag);
    return done;
  }

  private wait(tag: string | null): Promise<Completion> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { tag, untagged: [], onContinuation: null, resolve, reject };
    });
  }

  private receive(chunk: Buffer): void {
    this.receivedBytes += chunk.length;
    if (this.receivedBytes > this.limits.maxSessionBytes) {
      this.abort(new ImapError(limitMessages.sessionBytes(this.limits)));
      return;
    }
    let responses: ImapResponse[];
    try {
      responses = this.reader.push(chunk);
    } catch (error) {
      this.abort(error as Error);
      return;
    }
    for (const response of responses) this.handle(response);
  }

  /** Routes one response: untagged data to the running command, its tagged status completes it. */
  private handle(response: ImapResponse): void {
    const pending = this.pending;
    if (response.tag === "+") {
      const go = pending?.onContinuation;
      if (!pending || !go) {
        this.abort(new ImapError("The mailbox server asked for data no command was sending."));
        return;
      }
      pending.onContinuation = null;
      go();
    } else if (response.tag === "*") {
      if (/^BYE\b/i.test(response.text)) this.byeText = response.text.slice(4).trim();
      if (pending?.tag === null) {
        this.pending = null;
        pending.resolve({ untagged: [], text: response.text });
      } else {
        // Between commands the server may still report new mail (EXISTS) and the like: not needed here.
        pending?.untagged.push(response);
      }
    } else if (!pending || response.tag !== pending.tag) {
      this.abort(new ImapError(`The mailbox server answered a command it was not sent (${response.tag.slice(0, 20)}).`));
    } else {
      this.pending = null;
      const [, status = "", text = ""] = /^(\S*)\s*(.*)$/.exec(response.text) ?? [];
      if (status.toUpperCase() === "OK") pending.resolve({ untagged: pending.untagged, text });
      else pending.reject(new ImapRefusal(text || `the server answered ${status}`));
    }
  }

  private abort(error: Error): void {
    this.fail(error);
    this.close();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }
}
