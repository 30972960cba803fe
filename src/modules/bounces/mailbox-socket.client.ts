// The connection of a bounce mailbox session: TLS for imaps://, plain TCP for imap://, opened
// for imapflow through its `transport` option so every byte the server sends is counted against
// the session's limit before imapflow's parser buffers it. Also the limits themselves and the
// words that name them.
import net from "node:net";
import tls from "node:tls";
import type { ImapTransport } from "imapflow";

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
  /** How long one session may last, connecting included, however steadily the server sends. */
  sessionDeadlineMs: number;
  /**
   * How long connecting, the TLS handshake included, may take: a firewall that drops packets
   * would otherwise hold the poll for the system's TCP timeout, about two minutes.
   */
  connectTimeoutMs: number;
}

export const MAILBOX_LIMITS: MailboxLimits = {
  maxMessageBytes: 10 * 1024 * 1024,
  maxSessionBytes: 100 * 1024 * 1024,
  sessionDeadlineMs: 5 * 60_000,
  connectTimeoutMs: 30_000,
};

/** Why a session failed, in words that say what happened and, when it helps, what to do. */
export class MailboxError extends Error {
  override name = "MailboxError";
}

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
  /** A literal past the message cap, which the FETCH of at most the cap's bytes cannot bring from an honest server. */
  messageLiteral: (limits: MailboxLimits, id: number | null) =>
    `The mailbox server sent ${id === null ? "a literal" : `message ${id}`} as more than ${bytesInWords(limits.maxMessageBytes)} (the limit per message) when asked for no more: stopped reading. Messages are left in the mailbox.`,
};

export interface MailboxAddress {
  host: string;
  port: number;
  isTls: boolean;
}

/** The host, port (the scheme's default unless given) and TLS of an imap(s):// URL. */
export function mailboxAddressOf(url: URL, defaultPorts: { tls: number; plain: number }): MailboxAddress {
  const isTls = url.protocol.endsWith("s:");
  return { host: url.hostname, port: Number(url.port || (isTls ? defaultPorts.tls : defaultPorts.plain)), isTls };
}

/**
 * An imapflow transport over node's net and tls that tells `onData` the size of every chunk the
 * server sends, as it arrives: imapflow buffers a literal whole before handing it over, so its
 * own counters come too late to stop a server that never ends one. No STARTTLS (no `upgrade`):
 * imap:// stays plain, as on a trusted network.
 */
export function countingTransport(onData: (bytes: number) => void): ImapTransport {
  return {
    connect(options, onConnect) {
      // Counted from the moment imapflow starts reading (it pipes the socket in onConnect), so no chunk escapes.
      const connected = () => {
        socket.on("data", (chunk: Buffer) => onData(chunk.length));
        onConnect();
      };
      const socket = options.secure
        ? tls.connect({ ...options.tls, host: options.host, port: options.port, servername: options.servername }, connected)
        : net.connect({ host: options.host, port: options.port }, connected);
      return socket;
    },
  };
}
