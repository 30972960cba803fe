// Reading delivery status notifications (RFC 3464): the bounce messages mail servers send back.
// The raw message in, what it says about each recipient out, with no I/O. mailparser reads the
// MIME (multipart, transfer encodings, encoded words, RFC 2231 parameters, charsets); this file
// reads the report: the per-recipient fields of its delivery-status part and the returned
// message's Message-ID.
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

/** mailparser keeps the report's parts as attachments (their bytes, transfer encoding undone) and reads no HTML. */
const PARSER_OPTIONS = {
  keepDeliveryStatus: true,
  // The returned message is kept whole, as an attachment, for its headers.
  ignoreEmbedded: true,
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipImageLinks: true,
  skipTextLinks: true,
  checksumAlgo: false,
} as const;

const STATUS_TYPES = ["message/delivery-status", "message/global-delivery-status"];
/** The returned message, or only its headers (RFC 3462's text/rfc822-headers, RFC 6533's global forms). */
const RETURNED_TYPES = ["message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers"];

/**
 * A delivery-status part as text: UTF-8 (RFC 6533 allows it, and ASCII is UTF-8), else
 * ISO-8859-1, the usual charset of a remote server's words in a Diagnostic-Code that is neither.
 */
function textOf(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

/** Unfolded "Name: value" fields of one block (names lower-cased; the first of a name wins). */
function fieldsOf(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/** The groups of "Name: value" fields of a delivery-status body, separated by blank lines. */
function fieldGroups(text: string): Map<string, string>[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((block) => fieldsOf(block.trim()))
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
export async function parseDeliveryStatusNotification(raw: string | Buffer): Promise<ParsedDsn> {
  // Loaded when first asked (about 6 MB): most processes never read a bounce.
  const { simpleParser } = await import("mailparser");
  const { attachments } = await simpleParser(raw, PARSER_OPTIONS);
  const status = attachments.find((part) => STATUS_TYPES.includes(part.contentType));
  if (!status) {
    throw new AppError(
      "validation",
      "This message is not a delivery status notification (RFC 3464): it has no message/delivery-status part. Upload the bounce as the server sent it, saved as .eml.",
    );
  }
  const groups = fieldGroups(textOf(status.content));
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
  const returned = attachments.find((part) => RETURNED_TYPES.includes(part.contentType));
  const originalMessageId = returned ? ((await simpleParser(returned.content, PARSER_OPTIONS)).messageId ?? null) : null;
  return {
    originalMessageId: originalMessageId?.trim() || null,
    reportingMta: addressOf(perMessage?.get("reporting-mta")),
    recipients,
  };
}
