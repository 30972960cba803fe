// The connection of a bounce mailbox session, POP3 or IMAP: TLS for the "s" schemes, plain TCP
// otherwise, given up after a while when the host never answers (a firewall that drops packets
// would otherwise hold the poll for the system's TCP timeout, about two minutes).
import net from "node:net";
import tls from "node:tls";

/** How long connecting, the TLS handshake included, may take. */
export const CONNECT_TIMEOUT_MS = 30_000;

/**
 * What one session may take from the server. A bounce is far smaller than a message's cap
 * (MAX_DSN_BYTES, and larger ones are never fetched), so the caps only stop a server that
 * misreports sizes or never stops sending: one that announced 100 bytes and sent 301 MB grew
 * the worker by 724 MB before these existed.
 */
export interface MailboxLimits {
  /** Most bytes of one message kept in memory; a larger one is skipped and left in the mailbox. */
  maxMessageBytes: number;
  /** Most bytes read from the server in one session, all answers together. */
  maxSessionBytes: number;
  /** How long one session may last once connected, however steadily the server sends. */
  sessionDeadlineMs: number;
}

export const MAILBOX_LIMITS: MailboxLimits = {
  maxMessageBytes: 10 * 1024 * 1024,
  maxSessionBytes: 100 * 1024 * 1024,
  sessionDeadlineMs: 5 * 60_000,
};

/** A message larger than the cap: it was not kept, and stays in the mailbox. */
export class MailboxMessageTooLarge extends Error {
  override name = "MailboxMessageTooLarge";
  constructor(
    readonly id: number,
    readonly limitBytes: number,
  ) {
    super(
      `Message ${id} of the mailbox is larger than ${bytesInWords(limitBytes)} (the limit per message): left in the mailbox, unread.`,
    );
  }
}

/** 10485760 -> "10 MiB", 1536 -> "1.5 KiB", 100 -> "100 bytes". */
export function bytesInWords(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** 300000 -> "5 minutes", 1000 -> "1 second", 250 -> "250 ms". */
export function durationInWords(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? "" : "s"}`;
  if (ms >= 1000) return `${+(ms / 1000).toFixed(1)} second${ms === 1000 ? "" : "s"}`;
  return `${ms} ms`;
}

/** Why a session was stopped by its limits, in words that name the limit. */
export const limitMessages = {
  sessionBytes: (limits: MailboxLimits) =>
    `The mailbox server sent more than ${bytesInWords(limits.maxSessionBytes)} in one session (the limit per session): stopped reading. Messages are left in the mailbox.`,
  deadline: (limits: MailboxLimits) =>
    `The mailbox session took longer than ${durationInWords(limits.sessionDeadlineMs)} (the limit per session) and was stopped. Messages are left in the mailbox.`,
};

export interface MailboxAddress {
  host: string;
  port: number;
  isTls: boolean;
}

/** The host, port (the scheme's default unless given) and TLS of a pop3(s):// or imap(s):// URL. */
export function mailboxAddressOf(url: URL, defaultPorts: { tls: number; plain: number }): MailboxAddress {
  const isTls = url.protocol.endsWith("s:");
  return { host: url.hostname, port: Number(url.port || (isTls ? defaultPorts.tls : defaultPorts.plain)), isTls };
}

/**
 * Connects, rejecting with `fail(reason)` when the host cannot be reached or does not answer
 * within `timeoutMs`. The socket's own timeout is left unset for the session to set.
 */
export function connectToMailbox(
  { host, port, isTls }: MailboxAddress,
  fail: (message: string) => Error,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = isTls ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} seconds` : `${timeoutMs} ms`;
      reject(fail(`Cannot reach the mailbox at ${host}:${port}: no answer within ${limit}.`));
    }, timeoutMs);
    socket.once(isTls ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(fail(`Cannot reach the mailbox at ${host}:${port}: ${error.message}`));
    });
  });
}
