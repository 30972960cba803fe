// A small POP3 client (RFC 1939) for the bounce mailbox: sign in with USER/PASS, list, fetch,
// delete, quit. Over TLS for pop3s:// (port 995 by default), plain TCP for pop3:// (110).
import type net from "node:net";
import type { BounceMailbox, MailboxMessage } from "./mailbox-session.js";
import {
  connectToMailbox,
  limitMessages,
  MAILBOX_LIMITS,
  type MailboxLimits,
  MailboxMessageTooLarge,
  mailboxAddressOf,
} from "./mailbox-socket.js";

/** How long any one answer may take before the session gives up. */
const ANSWER_TIMEOUT_MS = 30_000;
/** A line longer than this is not POP3: the session stops rather than buffer without end. */
const MAX_LINE_BYTES = 64 * 1024;

export class Pop3Error extends Error {
  override name = "Pop3Error";
}

/** The answer passed its cap: retrieve() turns it into MailboxMessageTooLarge. */
const OVER_CAP = new Pop3Error("The answer was larger than its cap.");

interface Waiter {
  isMultiline: boolean;
  /** A multiline answer longer than this is read to its end but not kept (RETR: the message cap). */
  maxBytes: number;
  resolve(value: { status: string; lines: Buffer[] }): void;
  reject(error: Error): void;
}

/** One signed-in POP3 session; its commands run one at a time, in order. */
export class Pop3Session implements BounceMailbox {
  private buffer = Buffer.alloc(0);
  private waiter: Waiter | null = null;
  private status: string | null = null;
  private lines: Buffer[] = [];
  /** Bytes of the multiline answer being read, and whether it passed its waiter's cap. */
  private answerBytes = 0;
  private isOverCap = false;
  private receivedBytes = 0;
  private failure: Error | null = null;
  private readonly deadline: NodeJS.Timeout;

  private constructor(
    private readonly socket: net.Socket,
    private readonly limits: MailboxLimits,
  ) {
    this.deadline = setTimeout(() => this.abort(new Pop3Error(limitMessages.deadline(limits))), limits.sessionDeadlineMs);
    this.deadline.unref();
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", (error) => this.fail(new Pop3Error(`The mailbox connection failed: ${error.message}`)));
    socket.on("close", () => {
      clearTimeout(this.deadline);
      this.fail(new Pop3Error("The mailbox server closed the connection."));
    });
    socket.setTimeout(ANSWER_TIMEOUT_MS, () => {
      this.fail(new Pop3Error("The mailbox server did not answer in time."));
      socket.destroy();
    });
  }

  /** Connects to pop3://user:pass@host[:port] or pop3s://..., and signs in; the session stops at its limits. */
  static async open(url: URL, limits: MailboxLimits = MAILBOX_LIMITS): Promise<Pop3Session> {
    const socket = await connectToMailbox(mailboxAddressOf(url, { tls: 995, plain: 110 }), (message) => new Pop3Error(message));
    const session = new Pop3Session(socket, limits);
    try {
      await session.answer(false);
      await session.command(`USER ${decodeURIComponent(url.username)}`);
      await session.command(`PASS ${decodeURIComponent(url.password)}`).catch((error: Error) => {
        throw new Pop3Error(`The mailbox refused the sign-in: ${error.message}`);
      });
      return session;
    } catch (error) {
      session.close();
      throw error;
    }
  }

  /** The messages in the mailbox: number (the id) and size in bytes. */
  async list(): Promise<MailboxMessage[]> {
    const { lines } = await this.command("LIST", true);
    return lines.flatMap((line) => {
      const [n, size] = line.toString("latin1").trim().split(/\s+/);
      return n && size ? [{ id: Number(n), bytes: Number(size) }] : [];
    });
  }

  /**
   * The whole message, as its bytes (line ends CRLF). One larger than the message cap, whatever
   * LIST said, is read to its end without being kept and rejects with MailboxMessageTooLarge.
   */
  async retrieve(number: number): Promise<Buffer> {
    const { lines } = await this.command(`RETR ${number}`, true, this.limits.maxMessageBytes).catch((error: Error) => {
      throw error === OVER_CAP ? new MailboxMessageTooLarge(number, this.limits.maxMessageBytes) : error;
    });
    return Buffer.concat(lines.flatMap((line) => [line, Buffer.from("\r\n")]));
  }

  /** Marks a message deleted; the server removes it when the session quits. */
  async delete(number: number): Promise<void> {
    await this.command(`DELE ${number}`);
  }

  /** Ends the session with QUIT, applying the deletions, and closes the connection. */
  async finish(): Promise<void> {
    try {
      await this.command("QUIT");
    } finally {
      this.close();
    }
  }

  /** Closes the connection without applying deletions. */
  close(): void {
    clearTimeout(this.deadline);
    this.socket.destroy();
  }

  private async command(line: string, isMultiline = false, maxBytes = Number.POSITIVE_INFINITY) {
    if (/[\r\n]/.test(line)) throw new Pop3Error("A POP3 command cannot contain a line break.");
    const pending = this.answer(isMultiline, maxBytes);
    this.socket.write(`${line}\r\n`);
    return pending;
  }

  private answer(isMultiline: boolean, maxBytes = Number.POSITIVE_INFINITY): Promise<{ status: string; lines: Buffer[] }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { isMultiline, maxBytes, resolve, reject };
      this.status = null;
      this.lines = [];
      this.answerBytes = 0;
      this.isOverCap = false;
      this.drain();
    });
  }

  private receive(chunk: Buffer): void {
    this.receivedBytes += chunk.length;
    if (this.receivedBytes > this.limits.maxSessionBytes) {
      this.abort(new Pop3Error(limitMessages.sessionBytes(this.limits)));
      return;
    }
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.drain();
  }

  /** Hands complete lines to the waiting command; an -ERR answer rejects it. */
  private drain(): void {
    let end = this.buffer.indexOf("\r\n");
    while (this.waiter && end !== -1) {
      const line = this.buffer.subarray(0, end);
      this.buffer = this.buffer.subarray(end + 2);
      const waiter: Waiter = this.waiter;
      if (this.status === null) {
        this.status = line.toString("latin1");
        if (this.status.startsWith("-ERR")) {
          this.waiter = null;
          waiter.reject(new Pop3Error(this.status.slice(4).trim() || "the server answered -ERR"));
        } else if (!waiter.isMultiline) {
          this.waiter = null;
          waiter.resolve({ status: this.status, lines: [] });
        }
      } else if (line.length === 1 && line[0] === 0x2e) {
        this.waiter = null;
        if (this.isOverCap) waiter.reject(OVER_CAP);
        else waiter.resolve({ status: this.status, lines: this.lines });
      } else if (!this.isOverCap) {
        // A line starting with "." was dot-stuffed by the server: drop the first dot.
        this.lines.push(line[0] === 0x2e ? line.subarray(1) : line);
        this.answerBytes += line.length + 2;
        if (this.answerBytes > waiter.maxBytes) {
          // Past the cap: what was kept goes, the rest of the answer is read and dropped.
          this.isOverCap = true;
          this.lines = [];
        }
      }
      end = this.buffer.indexOf("\r\n");
    }
    if (this.buffer.length > MAX_LINE_BYTES && this.buffer.indexOf("\r\n") === -1) {
      this.abort(new Pop3Error("The mailbox server sent a line too long for POP3."));
    }
  }

  /** Fails the session and closes the connection: what was marked deleted stays. */
  private abort(error: Error): void {
    this.fail(error);
    this.close();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(error);
  }
}
