/**
 * The mail port: what the rest of Breachdesk knows about sending email. Two implementations
 * pass the same contract suite (test/integration/mailer-contract.test.ts): the pooled SMTP
 * mailer and the built-in mail catcher used when SMTP_URL is unset.
 */

export interface OutgoingMail {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  /**
   * Defaults to the mailer's configured sender (MAIL_FROM), which is for the system's own mail:
   * a notice names its organisation's sender (modules/organisation). A name and an address are
   * quoted and encoded by nodemailer, so a name with a comma or a quote stays one address.
   */
  from?: string | MailAddress;
  /** Where replies go, when not to the sender. */
  replyTo?: string | MailAddress;
  /** A stable id such as `<delivery-id@breachdesk>`, so a message resent after a crash is recognisable. */
  messageId?: string;
  /** Extra headers; they cannot override From, To, Subject, Message-ID or Date. */
  headers?: Record<string, string>;
  /**
   * The id of the user whose account this message's one-time link or token opens (a password
   * reset, an invitation). The mail catcher marks the message with SECRET_FOR_HEADER so its
   * pages show it only to those allowed to see that secret; the SMTP mailer sends nothing of it.
   */
  secretFor?: string;
  /**
   * The transfer encoding of the text parts, when the caller knows it (textEncodingOf): spares
   * the mail library its own choice, which counts every character of every part of every
   * message. Left out, the library chooses per part (the same rule).
   */
  textEncoding?: TextEncoding;
}

/** How a text part is encoded for transfer: quoted-printable for mostly Latin text, else base64. */
export type TextEncoding = "quoted-printable" | "base64";

/**
 * The transfer encoding for text like `sample`, by the mail library's own rule: quoted-printable
 * when Latin letters outnumber the characters that must be escaped (controls and anything past
 * ASCII), base64 otherwise (Japanese or Greek text grows less that way). A notice's parts are
 * its version's text with a few values of the person's, so one sample decides for every notice
 * of a version (decision 0037).
 */
export function textEncodingOf(sample: string): TextEncoding {
  let latin = 0;
  let other = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) latin += 1;
    else if (code >= 0x80 || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d)) other += 1;
  }
  return other < latin ? "quoted-printable" : "base64";
}

/** A display name and an address, e.g. { name: "Linux Australia", address: "privacy@linux.org.au" }. */
export interface MailAddress {
  name: string;
  address: string;
}

/**
 * The header the mail catcher writes from OutgoingMail.secretFor, and only from it: a header of
 * this name given in `headers` is dropped, so no caller's content can add or change the mark.
 */
export const SECRET_FOR_HEADER = "X-Breachdesk-Secret-For";

/**
 * The incident a message about one carries (its id): the mail catcher hides such a message from
 * a reader who may not read the incident (decision 0030). Notices to affected people need none:
 * the catcher finds their incident through the delivery with the same Message-ID.
 */
export const INCIDENT_HEADER = "X-Breachdesk-Incident";

export interface SentMail {
  messageId: string;
  /** Envelope addresses the server (or the catcher) took. */
  accepted: string[];
  /** Envelope addresses the server refused while accepting others (partial delivery). */
  rejected: string[];
  /** The server's final reply, e.g. `250 OK: queued as 1234`. */
  response: string;
}

export interface Mailer {
  readonly kind: "smtp" | "catcher";
  /** Resolves once the message is accepted; rejects when no recipient was accepted. */
  send(mail: OutgoingMail): Promise<SentMail>;
  /** Waits for sends already started, then releases connections; later sends are refused. */
  close(): Promise<void>;
}

export interface SendErrorClass {
  kind: "transient" | "permanent";
  responseCode?: number;
  message: string;
}

/**
 * Socket-level failures: the relay may be back in a minute, so the message is retried later.
 * nodemailer reports most of them as ESOCKET or ECONNECTION and keeps the OS code in errno.
 */
const TRANSIENT_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ECONNECTION",
  "ESOCKET",
  "ETIMEDOUT",
  "ETIME",
  "EPIPE",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "EDNS",
  "ENOTFOUND",
  "ETLS",
  "EPROTOCOL",
]);

/**
 * Errors nodemailer raises before talking to the server about a message it cannot send at
 * all (no recipient, a malformed address, an empty body): sending it again cannot help.
 */
const PERMANENT_ERROR_CODES = new Set(["EENVELOPE", "EMESSAGE"]);

/** Error thrown by the mailers themselves for a message they refuse before sending. */
export class MailRejectedError extends Error {
  readonly code = "EENVELOPE";
  constructor(message: string) {
    super(message);
    this.name = "MailRejectedError";
  }
}

/**
 * Sorts a send failure into transient (retry later with back-off) or permanent (record it
 * with the server's words and stop): any 4xx reply and socket failures are transient, any
 * 5xx reply and locally refused messages are permanent, and anything unrecognised is
 * transient, since retries are bounded while a dropped breach notice is not recoverable.
 */
export function classifySendError(error: unknown): SendErrorClass {
  const { message, code, responseCode, rejectedErrors } = errorFields(error);

  if (rejectedErrors.length > 0) {
    // Several recipients refused with different replies: retrying helps if any refusal was temporary.
    const classes = rejectedErrors.map((refusal) => classifySendError(refusal));
    const chosen = classes.find((c) => c.kind === "transient") ?? classes[classes.length - 1];
    if (chosen) return withCode(chosen.kind, chosen.responseCode ?? responseCode, message);
  }
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 500)
    return withCode("transient", responseCode, message);
  if (responseCode !== undefined && responseCode >= 500 && responseCode < 600)
    return withCode("permanent", responseCode, message);
  if (code !== undefined && TRANSIENT_ERROR_CODES.has(code)) return withCode("transient", responseCode, message);
  if (code !== undefined && PERMANENT_ERROR_CODES.has(code)) return withCode("permanent", responseCode, message);
  return withCode("transient", responseCode, message);
}

/** Wraps a Message-ID in angle brackets, the form nodemailer writes to the header. */
export function normalizeMessageId(messageId: string): string {
  const trimmed = messageId.trim();
  if (trimmed === "" || /[\r\n\s]/.test(trimmed)) throw new MailRejectedError(`Invalid Message-ID ${JSON.stringify(messageId)}`);
  return `${trimmed.startsWith("<") ? "" : "<"}${trimmed}${trimmed.endsWith(">") ? "" : ">"}`;
}

function withCode(kind: SendErrorClass["kind"], responseCode: number | undefined, message: string): SendErrorClass {
  return responseCode === undefined ? { kind, message } : { kind, responseCode, message };
}

interface ErrorFields {
  message: string;
  code?: string;
  responseCode?: number;
  rejectedErrors: unknown[];
}

function errorFields(error: unknown): ErrorFields {
  if (typeof error !== "object" || error === null) {
    return { message: String(error), rejectedErrors: [] };
  }
  const e = error as Record<string, unknown>;
  const response = typeof e.response === "string" ? e.response.trim() : undefined;
  let message = typeof e.message === "string" && e.message !== "" ? e.message : (response ?? String(error));
  // nodemailer appends the reply to its own message; other errors may not, and the reply is the evidence.
  if (response && !message.includes(response)) message = `${message}: ${response}`;

  let responseCode = typeof e.responseCode === "number" ? e.responseCode : undefined;
  if (responseCode === undefined && response) {
    const digits = /^([2-5]\d\d)[\s-]/.exec(`${response} `)?.[1];
    if (digits) responseCode = Number(digits);
  }
  const fields: ErrorFields = {
    message,
    rejectedErrors: Array.isArray(e.rejectedErrors) ? e.rejectedErrors : [],
  };
  if (typeof e.code === "string") fields.code = e.code;
  if (responseCode !== undefined) fields.responseCode = responseCode;
  return fields;
}
