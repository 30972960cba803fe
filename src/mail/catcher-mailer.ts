import DKIM from "nodemailer/lib/dkim/index.js";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { Database } from "../db/client.js";
import { type Clock, systemClock } from "../lib/clock.js";
import { newId } from "../lib/ids.js";
import type { DkimSigning } from "./dkim.js";
import {
  type Mailer,
  MailRejectedError,
  normalizeMessageId,
  type OutgoingMail,
  SECRET_FOR_HEADER,
  type SentMail,
} from "./mailer.js";

export interface CatcherMailerOptions {
  db: Database;
  /** Sender used when a message names none. */
  from: string;
  clock?: Clock;
  /** Signs every message with DKIM, as the SMTP mailer would, so the caught copy shows the signature. */
  dkim?: DkimSigning | null;
}

/**
 * Creates the built-in mail catcher: each message is composed exactly as the SMTP mailer
 * would send it and kept as a CaughtMail row instead of leaving the machine; every
 * recipient counts as accepted.
 */
export function createCatcherMailer(options: CatcherMailerOptions): Mailer {
  const clock = options.clock ?? systemClock;
  let isClosed = false;
  const signer = options.dkim ? new DKIM(options.dkim) : null;

  return {
    kind: "catcher",
    async send(mail: OutgoingMail): Promise<SentMail> {
      if (isClosed) throw new Error("mailer is closed");
      const now = clock.now();
      const node = new MailComposer({
        from: mail.from ?? options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html !== undefined ? { html: mail.html } : {}),
        ...(mail.replyTo !== undefined ? { replyTo: mail.replyTo } : {}),
        ...(mail.messageId !== undefined ? { messageId: normalizeMessageId(mail.messageId) } : {}),
        ...(mail.textEncoding !== undefined ? { textEncoding: mail.textEncoding } : {}),
        headers: headersWithSecretMark(mail),
        date: now,
      }).compile();
      const envelope = node.getEnvelope();
      // The SMTP mailer refuses these too (nodemailer's EENVELOPE), so both fail the same way.
      if (envelope.to.length === 0) throw new MailRejectedError("No recipients defined");
      if (!envelope.from) throw new MailRejectedError("No sender defined");

      const built = await node.build();
      const raw = (signer ? await streamToBuffer(signer.sign(built)) : built).toString("utf8");
      const headers = parseHeaderBlock(raw);
      const messageId = node.messageId();
      const id = newId();
      await options.db.prisma.caughtMail.create({
        data: {
          id,
          messageId,
          from: headers.From ?? envelope.from,
          to: envelope.to.join(", "),
          subject: mail.subject,
          text: mail.text,
          html: mail.html ?? null,
          headers: JSON.stringify(headers),
          createdAt: now,
        },
      });
      return { messageId, accepted: [...envelope.to], rejected: [], response: `250 Kept by the mail catcher as ${id}` };
    },
    async close(): Promise<void> {
      // The database belongs to the caller; there is nothing else to release.
      isClosed = true;
    },
  };
}

function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

/**
 * The caller's headers without any claiming the secret mark, and the mark itself when the
 * message carries a secret: the catcher's pages hide marked messages from those who may not
 * read them (src/modules/mail-catcher), so only our own code may set it.
 */
function headersWithSecretMark(mail: OutgoingMail): Record<string, string> {
  const mark = SECRET_FOR_HEADER.toLowerCase();
  const headers = Object.fromEntries(Object.entries(mail.headers ?? {}).filter(([key]) => key.trim().toLowerCase() !== mark));
  if (mail.secretFor !== undefined) headers[SECRET_FOR_HEADER] = mail.secretFor;
  return headers;
}

/**
 * Reads the top-level headers of a composed message into an object, unfolded and with
 * RFC 2047 encoded words decoded, so the catcher pages show what a mail client would.
 */
function parseHeaderBlock(raw: string): Record<string, string> {
  const end = raw.indexOf("\r\n\r\n");
  const block = (end === -1 ? raw : raw.slice(0, end)).replace(/\r\n(?=[ \t])/g, "");
  const headers: Record<string, string> = {};
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    const value = decodeMimeWords(line.slice(colon + 1).trim());
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  return headers;
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

function decodeMimeWords(value: string): string {
  // RFC 2047 section 6.2: whitespace between two adjacent encoded words is not part of the text.
  const joined = value.replace(/(\?=)\s+(?==\?)/g, "$1");
  return joined.replace(ENCODED_WORD, (_word, charset: string, encoding: string, text: string) => {
    const bytes = encoding.toUpperCase() === "B" ? Buffer.from(text, "base64") : decodeQ(text);
    return decodeCharset(bytes, charset.split("*")[0] ?? "utf-8");
  });
}

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const hex = text.slice(i + 1, i + 3);
    if (char === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (char === "_") bytes.push(0x20);
    else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString("utf8");
  }
}
