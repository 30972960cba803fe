// The byte-level part of the IMAP client (RFC 3501): cutting the server's stream into responses
// (with their literals), reading a response's values, and writing strings and mailbox names.
// Pure functions and one small stateful reader, so they are unit-tested without a server.

/** A line longer than this is not IMAP: the session stops rather than buffer without end. */
export const MAX_LINE_BYTES = 64 * 1024;
/**
 * The literals of one response are kept up to this many bytes in all; a literal past it is read
 * and dropped (the response says so). A bounce is far smaller (MAX_DSN_BYTES), and larger
 * messages are never fetched; the cap stops a server that misreports sizes from filling memory.
 * The session passes its own message cap (MailboxLimits).
 */
export const MAX_LITERAL_BYTES = 10 * 1024 * 1024;

export class ImapError extends Error {
  override name = "ImapError";
}

/**
 * One server response: its tag ("*" untagged, "+" a continuation request, else the tag of the
 * command it completes), the text after the tag with each literal's `{n}` marker left in place,
 * and the literals' bytes in order.
 */
export interface ImapResponse {
  tag: string;
  text: string;
  literals: Buffer[];
  /** The announced size of the largest literal dropped for passing the cap (read, not kept), if any. */
  droppedLiteralBytes?: number;
}

/** Cuts the server's byte stream into responses, however TCP splits it into chunks. */
export class ImapResponseReader {
  private buffer: Buffer = Buffer.alloc(0);
  private text = "";
  private literals: Buffer[] = [];
  /** While a literal is being read: its chunks so far (none kept when it is dropped) and the bytes still to come. */
  private literal: { chunks: Buffer[]; missing: number; isDropped: boolean } | null = null;
  private droppedLiteralBytes = 0;

  constructor(private readonly limits = { maxLineBytes: MAX_LINE_BYTES, maxLiteralBytes: MAX_LITERAL_BYTES }) {}

  /** Takes the next chunk and returns the responses it completes; throws ImapError past the line limit. */
  push(chunk: Buffer): ImapResponse[] {
    const done: ImapResponse[] = [];
    let rest: Buffer = chunk;
    for (;;) {
      if (this.literal) {
        // A literal's bytes are taken as they come, never re-concatenated with the line buffer.
        const taken = rest.subarray(0, this.literal.missing);
        if (!this.literal.isDropped) this.literal.chunks.push(taken);
        this.literal.missing -= taken.length;
        rest = rest.subarray(taken.length);
        if (this.literal.missing > 0) return done;
        this.literals.push(Buffer.concat(this.literal.chunks));
        this.literal = null;
      }
      this.buffer = this.buffer.length > 0 ? Buffer.concat([this.buffer, rest]) : rest;
      rest = Buffer.alloc(0);
      const end = this.buffer.indexOf("\r\n");
      if (end === -1) {
        if (this.buffer.length + this.text.length > this.limits.maxLineBytes) {
          throw new ImapError("The mailbox server sent a line too long for IMAP.");
        }
        return done;
      }
      if (end + this.text.length > this.limits.maxLineBytes)
        throw new ImapError("The mailbox server sent a line too long for IMAP.");
      const line = this.buffer.toString("latin1", 0, end);
      rest = this.buffer.subarray(end + 2);
      this.buffer = Buffer.alloc(0);
      this.text += line;
      const marker = /\{(\d+)\}$/.exec(line);
      if (marker) {
        const size = Number(marker[1]);
        const held = this.literals.reduce((sum, literal) => sum + literal.length, 0);
        // Too large to keep: its bytes are still read (the stream stays in step) but dropped.
        const isDropped = held + size > this.limits.maxLiteralBytes;
        if (isDropped) this.droppedLiteralBytes = Math.max(this.droppedLiteralBytes, size);
        this.literal = { chunks: [], missing: size, isDropped };
        continue;
      }
      const space = this.text.indexOf(" ");
      const tag = space === -1 ? this.text : this.text.slice(0, space);
      const response: ImapResponse = { tag, text: space === -1 ? "" : this.text.slice(space + 1), literals: this.literals };
      if (this.droppedLiteralBytes > 0) response.droppedLiteralBytes = this.droppedLiteralBytes;
      done.push(response);
      this.text = "";
      this.literals = [];
      this.droppedLiteralBytes = 0;
    }
  }
}

/** A value in a response: an atom (a string), a quoted string or literal (bytes), NIL, or a list. */
export type ImapValue = string | Buffer | null | ImapValue[];

const unreadable = (text: string) =>
  new ImapError(`The mailbox server sent a response this client cannot read: ${JSON.stringify(text.slice(0, 80))}`);

/** Reads the values of a response's text, taking each `{n}` literal from `literals` in order. */
export function parseImapValues(text: string, literals: Buffer[]): ImapValue[] {
  const root: ImapValue[] = [];
  const open: ImapValue[][] = [root];
  let nextLiteral = 0;
  let i = 0;
  while (i < text.length) {
    const list = open[open.length - 1]!;
    const c = text[i];
    if (c === " ") {
      i++;
    } else if (c === "(") {
      const inner: ImapValue[] = [];
      list.push(inner);
      open.push(inner);
      i++;
    } else if (c === ")") {
      if (open.length === 1) throw unreadable(text);
      open.pop();
      i++;
    } else if (c === '"') {
      let value = "";
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) value += text[j] === "\\" ? text[++j] : text[j];
      if (j >= text.length) throw unreadable(text);
      list.push(Buffer.from(value, "latin1"));
      i = j + 1;
    } else if (c === "{") {
      const marker = /^\{(\d+)\}/.exec(text.slice(i, i + 24));
      const literal = literals[nextLiteral++];
      if (!marker || !literal) throw unreadable(text);
      list.push(literal);
      i += marker[0].length;
    } else {
      // An atom; a section such as BODY[HEADER.FIELDS (DATE)] belongs to it, spaces and all.
      let j = i;
      for (let depth = 0; j < text.length; j++) {
        const d = text[j];
        if (d === "[") depth++;
        else if (d === "]") depth--;
        else if (depth <= 0 && (d === " " || d === "(" || d === ")")) break;
      }
      const atom = text.slice(i, j);
      list.push(atom.toUpperCase() === "NIL" ? null : atom);
      i = j;
    }
  }
  if (open.length !== 1) throw unreadable(text);
  return root;
}

/** The items of an untagged FETCH response (`<seq> FETCH (NAME value ...)`), names upper-cased; null for any other response. */
export function readFetch(response: ImapResponse): { seq: number; items: Map<string, ImapValue> } | null {
  if (response.tag !== "*" || !/^\d+ FETCH /i.test(response.text)) return null;
  const [seq, , attributes] = parseImapValues(response.text, response.literals);
  if (!Array.isArray(attributes)) throw unreadable(response.text);
  const items = new Map<string, ImapValue>();
  for (let k = 0; k + 1 < attributes.length; k += 2) {
    const name = attributes[k];
    if (typeof name === "string") items.set(name.toUpperCase(), attributes[k + 1]!);
  }
  return { seq: Number(seq), items };
}

/** A part of a command: text sent as it is, or bytes sent as a literal after the server's go-ahead. */
export type CommandPart = string | { literal: Buffer };

/** A string argument: quoted (with `\` and `"` escaped) when it is printable ASCII, else a literal of its UTF-8 bytes. */
export function imapString(value: string): CommandPart {
  if (/^[\x20-\x7e]*$/.test(value) && value.length <= 1000) return `"${value.replace(/[\\"]/g, "\\$&")}"`;
  return { literal: Buffer.from(value, "utf8") };
}

/** A mailbox name in IMAP's modified UTF-7 (RFC 3501 section 5.1.3): "Entwürfe" is "Entw&APw-rfe". */
export function encodeMailboxName(name: string): string {
  return name.replace(/&|[^\x20-\x7e]+/g, (run) => {
    if (run === "&") return "&-";
    const utf16 = Buffer.alloc(run.length * 2);
    for (let k = 0; k < run.length; k++) utf16.writeUInt16BE(run.charCodeAt(k), k * 2);
    return `&${utf16.toString("base64").replace(/=+$/, "").replace(/\//g, ",")}-`;
  });
}

/** A UID set with runs of consecutive UIDs as ranges: 1,2,3,7 is "1:3,7". */
export function uidSet(sortedUids: number[]): string {
  const ranges: string[] = [];
  for (let k = 0; k < sortedUids.length; k++) {
    const first = sortedUids[k]!;
    while (sortedUids[k + 1] === sortedUids[k]! + 1) k++;
    ranges.push(first === sortedUids[k] ? String(first) : `${first}:${sortedUids[k]}`);
  }
  return ranges.join(",");
}
