// Reading delivery status notifications (RFC 3464): the bounce messages mail servers send back.
// Pure: the raw message in, what it says about each recipient out. A small MIME reader of our own
// (headers, multipart boundaries, base64 and quoted-printable), enough for the report's parts.
import { AppError } from "../../lib/errors.js";

/** What a DSN says about one recipient (one per-recipient group of its delivery-status part). */
export interface DsnRecipient {
  /** The address it reports on (Final-Recipient, else Original-Recipient), lower-cased. */
  email: string;
  /** failed | delayed | delivered | relayed | expanded */
  action: string;
  /** The enhanced status code, e.g. 5.1.1 (RFC 3463), or "" when absent. */
  status: string;
  /** The remote server's words (Diagnostic-Code), or "". */
  diagnostic: string;
  /** A permanent failure: action failed with a 5.x.x status (or no status). */
  isPermanent: boolean;
}

export interface ParsedDsn {
  /** The Message-ID of the message that bounced, from the returned message or its headers. */
  originalMessageId: string | null;
  reportingMta: string;
  recipients: DsnRecipient[];
}

interface MimePart {
  headers: Map<string, string>;
  body: string;
}

/** Splits a message into unfolded headers (names lower-cased; the first of a name wins) and body. */
function splitMessage(text: string): MimePart {
  const match = /\r?\n\r?\n/.exec(text);
  const head = match ? text.slice(0, match.index) : text;
  const body = match ? text.slice(match.index + match[0].length) : "";
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** The media type of a Content-Type value and its parameters (names lower-cased, quotes removed). */
function contentTypeOf(value: string | undefined): { type: string; params: Map<string, string> } {
  const [type = "text/plain", ...rest] = (value ?? "text/plain").split(";");
  const params = new Map<string, string>();
  for (const part of rest) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    params.set(
      part.slice(0, eq).trim().toLowerCase(),
      part
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, "$1"),
    );
  }
  return { type: type.trim().toLowerCase(), params };
}

/** The part's body as text, decoded from base64 or quoted-printable when so encoded. */
function decodedBody(part: MimePart): string {
  const encoding = (part.headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  if (encoding === "base64") return Buffer.from(part.body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    const bytes = part.body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return part.body;
}

/** Every leaf part of a message, depth first; multipart bodies are split on their boundary. */
function leafParts(part: MimePart, depth = 0): MimePart[] {
  const { type, params } = contentTypeOf(part.headers.get("content-type"));
  const boundary = params.get("boundary");
  if (!type.startsWith("multipart/") || !boundary || depth > 10) return [part];
  const delimiter = `--${boundary}`;
  const parts: MimePart[] = [];
  let current: string[] | null = null;
  for (const line of part.body.split(/\r?\n/)) {
    if (line.startsWith(delimiter)) {
      if (current) parts.push(splitMessage(current.join("\n")));
      if (line.slice(delimiter.length).startsWith("--")) {
        current = null;
        break;
      }
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
  if (current) parts.push(splitMessage(current.join("\n")));
  return parts.flatMap((p) => leafParts(p, depth + 1));
}

/** The groups of "Name: value" fields of a delivery-status body, separated by blank lines. */
function fieldGroups(text: string): Map<string, string>[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((block) => splitMessage(`${block.trim()}\n\n`).headers)
    .filter((fields) => fields.size > 0);
}

/** "rfc822; jo@example.org" -> "jo@example.org" (the address type is dropped). */
function addressOf(value: string | undefined): string {
  if (!value) return "";
  const semicolon = value.indexOf(";");
  return (semicolon === -1 ? value : value.slice(semicolon + 1))
    .trim()
    .replace(/^<(.*)>$/, "$1")
    .toLowerCase();
}

/**
 * Reads a delivery status notification. Throws a validation error naming what is wrong when
 * the message is not a DSN (no message/delivery-status part) or reports on no recipient.
 */
export function parseDeliveryStatusNotification(raw: string | Buffer): ParsedDsn {
  const text = typeof raw === "string" ? raw : raw.toString("utf8");
  const parts = leafParts(splitMessage(text));
  const status = parts.find((p) =>
    ["message/delivery-status", "message/global-delivery-status"].includes(contentTypeOf(p.headers.get("content-type")).type),
  );
  if (!status) {
    throw new AppError(
      "validation",
      "This message is not a delivery status notification (RFC 3464): it has no message/delivery-status part. Upload the bounce as the server sent it, saved as .eml.",
    );
  }
  const groups = fieldGroups(decodedBody(status));
  const isRecipientGroup = (fields: Map<string, string>) => fields.has("final-recipient") || fields.has("original-recipient");
  const perMessage = groups.find((fields) => !isRecipientGroup(fields));
  const recipients: DsnRecipient[] = [];
  for (const fields of groups.filter(isRecipientGroup)) {
    const email = addressOf(fields.get("final-recipient") ?? fields.get("original-recipient"));
    if (!email) continue;
    const action = (fields.get("action") ?? "").toLowerCase().split(/[\s(]/)[0] ?? "";
    const code = /\d\.\d{1,3}\.\d{1,3}/.exec(fields.get("status") ?? "")?.[0] ?? "";
    recipients.push({
      email,
      action,
      status: code,
      diagnostic: (fields.get("diagnostic-code") ?? "").replace(/^smtp;\s*/i, ""),
      isPermanent: action === "failed" && (code === "" || code.startsWith("5")),
    });
  }
  if (recipients.length === 0) {
    throw new AppError("validation", "This delivery status notification names no recipient (no Final-Recipient field).");
  }
  const returned = parts.find((p) =>
    ["message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers"].includes(
      contentTypeOf(p.headers.get("content-type")).type,
    ),
  );
  const originalMessageId = returned ? (splitMessage(decodedBody(returned)).headers.get("message-id") ?? null) : null;
  return {
    originalMessageId: originalMessageId?.trim() || null,
    reportingMta: addressOf(perMessage?.get("reporting-mta")),
    recipients,
  };
}
