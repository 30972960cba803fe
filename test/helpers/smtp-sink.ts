import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";

/** Answer RCPT TO for recipients matching `match` with this SMTP reply instead of 250. */
export interface RecipientRejection {
  match: RegExp;
  /** e.g. 550 (permanent) or 451 (transient) */
  code: number;
  /** Text after the code, e.g. "5.1.1 No such user here". */
  message: string;
}

export interface SinkMessage {
  envelopeFrom: string;
  envelopeTo: string[];
  /** The message exactly as received, CRLF line ends. */
  raw: string;
  /** Top-level headers, keys lower-cased, unfolded, encoded words decoded. */
  headers: Record<string, string>;
  subject: string;
  messageId: string;
  /** Decoded text/plain and text/html bodies with LF line ends, when the message has them. */
  text?: string;
  html?: string;
}

export interface SmtpSink {
  /** smtp://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Every message received, in order; a message is here before the client sees its 250. */
  messages: SinkMessage[];
  close(): Promise<void>;
}

/**
 * Starts a real SMTP server on 127.0.0.1 on a free port, with no TLS and no required
 * authentication, that keeps every message it receives and refuses the recipients it is told to.
 */
export async function startSmtpSink(options: { rejectRecipients?: RecipientRejection[] } = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const rejections = options.rejectRecipients ?? [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    // Pooled clients keep connections open; do not wait the default 30 s for them on close.
    closeTimeout: 200,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const rule = rejections.find((r) => r.match.test(address.address));
      if (!rule) return callback();
      return callback(Object.assign(new Error(rule.message), { responseCode: rule.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", callback);
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const { headers, text, html } = parseMessage(raw);
        messages.push({
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          headers,
          subject: headers.subject ?? "",
          messageId: headers["message-id"] ?? "",
          ...(text !== undefined ? { text } : {}),
          ...(html !== undefined ? { html } : {}),
        });
        callback(null, "OK: message queued");
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface ParsedPart {
  headers: Record<string, string>;
  text?: string;
  html?: string;
}

/** Just enough MIME for the tests: one level of multipart, 7bit/8bit, quoted-printable, base64. */
function parseMessage(raw: string): ParsedPart {
  const split = raw.indexOf("\r\n\r\n");
  const headers = parseHeaders(split === -1 ? raw : raw.slice(0, split));
  const body = split === -1 ? "" : raw.slice(split + 4);
  const contentType = headers["content-type"] ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  const result: ParsedPart = { headers };
  if (/^multipart\//i.test(contentType) && boundary) {
    for (const section of body.split(`--${boundary}`).slice(1)) {
      if (section.startsWith("--")) break;
      const part = parseMessage(section.replace(/^\r\n/, "").replace(/\r\n$/, ""));
      if (part.text !== undefined) result.text ??= part.text;
      if (part.html !== undefined) result.html ??= part.html;
    }
    return result;
  }
  // The CRLF that ends the last line belongs to SMTP's framing, and CRLF to the wire format.
  const decoded = decodeBody(body.replace(/\r\n$/, ""), headers["content-transfer-encoding"] ?? "7bit").replace(/\r\n/g, "\n");
  if (/^text\/html/i.test(contentType)) result.html = decoded;
  else if (/^text\/plain/i.test(contentType)) result.text = decoded;
  return result;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.replace(/\r\n(?=[ \t])/g, "").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return headers;
}

function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(?==\?)/g, "$1")
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_w, charset: string, enc: string, text: string) => {
      const bytes = enc.toUpperCase() === "B" ? Buffer.from(text, "base64") : qpBytes(text.replace(/_/g, " "));
      return new TextDecoder(charset).decode(bytes);
    });
}

function decodeBody(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case "base64":
      return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
    case "quoted-printable":
      return qpBytes(body.replace(/=\r\n/g, "")).toString("utf8");
    default:
      return body;
  }
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i] ?? "", "utf8"));
  }
  return Buffer.from(bytes);
}
