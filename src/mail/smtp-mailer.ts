import { Socket } from "node:net";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer/index.js";
import SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import type { DkimSigning } from "./dkim.js";
import { type Mailer, MailRejectedError, normalizeMessageId, type OutgoingMail, type SentMail } from "./mailer.js";

export interface SmtpMailerOptions {
  /** smtp://user:pass@host:587 or smtps://host:465; query parameters are nodemailer options. */
  url: string;
  /** Connections kept open to the relay. */
  poolSize: number;
  /** Sender used when a message names none, e.g. `Breachdesk <breachdesk@example.org>`. */
  from: string;
  /** Most messages a second over all connections; unset means no limit. */
  rateLimit?: number;
  /** Signs every message with DKIM (nodemailer's signer) when given. */
  dkim?: DkimSigning | null;
}

/**
 * nodemailer waits two minutes for a connection by default; a worker holding a job lease
 * should learn sooner that the relay is unreachable and retry later.
 */
const CONNECTION_TIMEOUT_MS = 30_000;

/**
 * Hands the pool its plain TCP connections with Nagle's algorithm off (TCP_NODELAY). Measured on
 * these machines (bench/send.ts, 5 connections to a local smtp-server): a notice of a few kB ends
 * with a small write that otherwise waits for the server's delayed ACK, about 40 ms a message:
 * 98 messages/s with nodemailer's own sockets, 271/s with these. The socket is given before it
 * has connected, so nodemailer's own handlers see its connection errors and timeouts (a failed
 * connect reported through this callback instead would leave the pool's slot hanging).
 * smtps:// (TLS from the start) keeps nodemailer's own socket.
 */
export function openNoDelaySocket(
  options: { host?: string; port?: number; secure?: boolean },
  callback: (error: Error | null, socket?: { connection: Socket } | false) => void,
): void {
  if (options.secure) {
    callback(null, false);
    return;
  }
  const socket = new Socket();
  socket.setNoDelay(true);
  socket.setKeepAlive(true);
  socket.connect(options.port || 587, options.host || "localhost");
  callback(null, { connection: socket });
}

/**
 * Creates a mailer that sends through a pool of SMTP connections; a Message-ID given in
 * brackets reaches the server unchanged and is the one returned.
 */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  if (!/^smtps?:\/\//i.test(options.url)) throw new Error("SMTP mailer needs an smtp:// or smtps:// URL");
  // createTransport({ url, ... }) keeps only what the URL says, so the pool is built directly.
  const pool = new SMTPPool({
    pool: true,
    url: options.url,
    maxConnections: options.poolSize,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: CONNECTION_TIMEOUT_MS,
    getSocket: openNoDelaySocket,
    ...(options.rateLimit ? { rateLimit: options.rateLimit, rateDelta: 1000 } : {}),
  });
  // Given a transport object, nodemailer reads `dkim` only from each message (the defaults here),
  // signing the message as it streams to the relay.
  const transport = nodemailer.createTransport(pool, { from: options.from, ...(options.dkim ? { dkim: options.dkim } : {}) });
  const inFlight = new Set<Promise<unknown>>();
  let isClosed = false;

  return {
    kind: "smtp",
    async send(mail: OutgoingMail): Promise<SentMail> {
      if (isClosed) throw new Error("mailer is closed");
      if ([mail.to].flat().every((to) => to.trim() === "")) throw new MailRejectedError("No recipients defined");
      const message: Mail.Options = {
        from: mail.from ?? options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html !== undefined ? { html: mail.html } : {}),
        ...(mail.replyTo !== undefined ? { replyTo: mail.replyTo } : {}),
        ...(mail.messageId !== undefined ? { messageId: normalizeMessageId(mail.messageId) } : {}),
        ...(mail.textEncoding !== undefined ? { textEncoding: mail.textEncoding } : {}),
        ...(mail.headers ? { headers: mail.headers } : {}),
      };
      const sending = transport.sendMail(message);
      inFlight.add(sending);
      try {
        const info = await sending;
        return {
          messageId: info.messageId,
          accepted: info.accepted.map(addressOf),
          rejected: info.rejected.map(addressOf),
          response: info.response,
        };
      } finally {
        inFlight.delete(sending);
      }
    },
    async close(): Promise<void> {
      isClosed = true;
      await Promise.allSettled([...inFlight]);
      transport.close();
    },
  };
}

function addressOf(entry: string | Mail.Address): string {
  return typeof entry === "string" ? entry : entry.address;
}
