import { createHmac, timingSafeEqual } from "node:crypto";
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { AppError } from "../../lib/errors.js";

/**
 * One line of the anchor file: the chain's head (seq and hash) at an instant, the entry it is
 * keyed from, and an HMAC of all that with the audit key, so a line written by anyone without
 * the key is caught. The file lives outside the database: deleting the last entries, or
 * recomputing the chain, no longer matches the latest line.
 */
export interface AuditAnchor {
  at: string;
  seq: number;
  hash: string;
  /** The chain's keyed-from entry when the line was written; null when it was not keyed. */
  keyedFromSeq: number | null;
  mac: string;
  /** 1-based line number in the file, for messages. */
  line: number;
}

const LINE = /^(\S+) seq=(\d+) hash=([0-9a-f]{64}) keyed_from=(\d+|-) mac=([0-9a-f]{64})$/;
/** The tail read: about 350 anchors, far more than one verification needs. */
const TAIL_BYTES = 64 * 1024;

function macOf(key: Buffer, body: string): string {
  return createHmac("sha256", key).update(`breachdesk-audit-anchor ${body}`).digest("hex");
}

function bodyOf(anchor: Pick<AuditAnchor, "at" | "seq" | "hash" | "keyedFromSeq">): string {
  return `${anchor.at} seq=${anchor.seq} hash=${anchor.hash} keyed_from=${anchor.keyedFromSeq ?? "-"}`;
}

/** The text of one anchor line, signed with the key (without its newline). */
export function formatAnchorLine(anchor: Pick<AuditAnchor, "at" | "seq" | "hash" | "keyedFromSeq">, key: Buffer): string {
  const body = bodyOf(anchor);
  return `${body} mac=${macOf(key, body)}`;
}

/** Whether the line's HMAC is the key's (constant time). */
export function isAnchorSigned(anchor: AuditAnchor, key: Buffer): boolean {
  const expected = Buffer.from(macOf(key, bodyOf(anchor)), "hex");
  return timingSafeEqual(expected, Buffer.from(anchor.mac, "hex"));
}

/** Parses one line, or returns null when it is not an anchor line. */
export function parseAnchorLine(text: string, line: number): AuditAnchor | null {
  const match = LINE.exec(text.trim());
  if (!match) return null;
  const [, at, seq, hash, keyedFrom, mac] = match;
  return {
    at: at!,
    seq: Number(seq),
    hash: hash!,
    keyedFromSeq: keyedFrom === "-" ? null : Number(keyedFrom),
    mac: mac!,
    line,
  };
}

export interface AnchorTail {
  /** The anchor lines of the file's tail, in file order. */
  anchors: AuditAnchor[];
  /** Lines of the tail that are not anchor lines (a write torn by a crash, or added by hand). */
  unreadable: number[];
}

/**
 * Reads the anchors at the end of the file; null when there is no file. Throws AppError
 * "unavailable" when it cannot be read. Line numbers count from the start of the tail read
 * when the file is larger than it.
 */
export function readAnchorTail(path: string): AnchorTail | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new AppError("unavailable", `Cannot read the audit anchor file ${path}: ${(error as Error).message}.`);
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString("utf8").split("\n");
    // A tail that starts mid-file starts mid-line: that first piece is not a line.
    if (length < size) lines.shift();
    const tail: AnchorTail = { anchors: [], unreadable: [] };
    lines.forEach((text, i) => {
      if (text.trim() === "") return;
      const anchor = parseAnchorLine(text, i + 1);
      if (anchor) tail.anchors.push(anchor);
      else tail.unreadable.push(i + 1);
    });
    return tail;
  } catch (error) {
    throw new AppError("unavailable", `Cannot read the audit anchor file ${path}: ${(error as Error).message}.`);
  } finally {
    closeSync(fd);
  }
}

/** The anchor naming the furthest entry (two workers may append out of order); null when none. */
export function latestAnchor(tail: AnchorTail | null): AuditAnchor | null {
  let latest: AuditAnchor | null = null;
  for (const anchor of tail?.anchors ?? []) if (!latest || anchor.seq >= latest.seq) latest = anchor;
  return latest;
}

/**
 * Appends one line and flushes it to disk. Opened in append mode, so the file only grows;
 * a file whose last line was torn (no newline) gets one first, so the new line stays whole.
 */
export function appendAnchorLine(path: string, line: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "a+", 0o600);
  try {
    const size = fstatSync(fd).size;
    let prefix = "";
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last.toString() !== "\n") prefix = "\n";
    }
    writeSync(fd, `${prefix}${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
