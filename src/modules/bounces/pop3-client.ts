// A small POP3 client (RFC 1939) for the bounce mailbox: sign in with USER/PASS, list, fetch,
// delete, quit. Over TLS for pop3s:// (port 995 by default), plain TCP for pop3:// (110).
import type net from "node:net";
import type { BounceMailbox, MailboxMessage } from "./mailbox-session.js";
import { connectToMailbox, mailboxAddressOf } from "./mailbox-socket.js";

/** How long any one answer may take before the session gives up. */
const ANSWER_TIMEOUT_MS = 30_000;
/** A line longer than this is not POP3: the session stops rather than buffer without end. */
const MAX_LINE_BYTES = 64 * 1024;

export class Pop3Error extends Error {
  override name = "Pop3Error";
}

interface Waiter {
  isMultiline: boolean;
  resolve(value: { status: string; lines: Buffer[] }): void;
  reject(error: Error): void;
}

/** One signed-in POP3 session; its commands run one at a time, in order. */
export class Pop3Session implements BounceMailbox {
  private buffer = Buffer.alloc(0);
  private waiter: Waiter | null = null;
  private status: string | null = null;
  private lines: Buffer[] = [];
  private failure: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", (error) => this.fail(new Pop3Error(`The mailbox connection failed: ${error.message}`)));
    socket.on("close", () => this.fail(new Pop3Error("The mailbox server closed the connection.")));
    socket.setTimeout(ANSWER_TIMEOUT_MS, () => {
      this.fail(new Pop3Error("The mailbox server did not answer in time."));
      socket.destroy();
    });
  }

  /** Connects to pop3://user:pass@host[:port] or pop3s://..., and signs in. */
  static async open(url: URL): Promise<Pop3Session> {
    const socket = await connectToMailbox(mailboxAddressOf(url, { tls: 995, plain: 110 }), (message) => new Pop3Error(message));
    const session = new Pop3Session(socket);
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

  /** The whole message, as its bytes (line ends CRLF). */
  async retrieve(number: number): Promise<Buffer> {
    const { lines } = await this.command(`RETR ${number}`, true);
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
    this.socket.destroy();
  }

  private async command(line: string, isMultiline = false) {
    if (/[\r\n]/.test(line)) throw new Pop3Error("A POP3 command cannot contain a line break.");
    const pending = this.answer(isMultiline);
    this.socket.write(`${line}\r\n`);
    return pending;
  }

  private answer(isMultiline: boolean): Promise<{ status: string; lines: Buffer[] }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { isMultiline, resolve, reject };
      this.status = null;
      this.lines = [];
      this.drain();
    });
  }

  private receive(chunk: Buffer): void {
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
        waiter.resolve({ status: this.status, lines: this.lines });
      } else {
        // A line starting with "." was dot-stuffed by the server: drop the first dot.
        this.lines.push(line[0] === 0x2e ? line.subarray(1) : line);
      }
      end = this.buffer.indexOf("\r\n");
    }
    if (this.buffer.length > MAX_LINE_BYTES && this.buffer.indexOf("\r\n") === -1) {
      this.fail(new Pop3Error("The mailbox server sent a line too long for POP3."));
      this.socket.destroy();
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(error);
  }
}
