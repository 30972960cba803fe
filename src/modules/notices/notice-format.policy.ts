/**
 * The light formatting of the manager's words, parsed by our own code: blank lines separate
 * paragraphs, lines starting "- " are list items, bare https:// links become links in HTML,
 * and {{placeholders}} are slots filled per person. Nothing else has a meaning: every character
 * is escaped in the HTML part, so the text can never become markup or script.
 *
 * A text is compiled once per version into "pieces": HTML (or plain text) strings already
 * escaped, with slots between them; filling the slots for a person is string concatenation,
 * which is what lets the renderer do about 100,000 notices a second.
 */
import { PLACEHOLDER_PATTERN, type PlaceholderRef, resolvePlaceholder } from "./notice-content.policy.js";

/** How a slot's value is written: escaped text, inside an href, or the person's categories as a list. */
export type SlotMode = "html" | "text" | "href" | "htmlList" | "textList";

export interface Slot {
  ref: PlaceholderRef;
  mode: SlotMode;
}

/** A compiled text: strings to copy and slots to fill. */
export type Piece = string | Slot;

type Inline = { kind: "text"; text: string } | { kind: "slot"; ref: PlaceholderRef } | { kind: "link"; parts: Inline[] };

type Block = { kind: "paragraph"; lines: Inline[][] } | { kind: "list"; items: Inline[][] } | { kind: "categories" };

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

const HTML_SPECIAL = /[&<>"']/;

/** Escapes text for HTML element content and attribute values (EJS's escaper, made cheap for text needing none). */
export function escapeHtml(value: unknown): string {
  const text = value === undefined || value === null ? "" : String(value);
  return HTML_SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!) : text;
}

/** Inline styles of the blocks: many mail clients drop <style> elements. */
export const blockStyles = {
  paragraph: "margin:0 0 16px 0",
  list: "margin:0 0 16px 0;padding:0 0 0 24px",
  item: "margin:0 0 6px 0",
  link: "color:#0b57d0;text-decoration:underline",
} as const;

// Control characters other than tab and newline have no business in a notice.
// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is removed
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** The manager's text with line ends unified and control characters removed. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL, "");
}

/** A one-line value (a heading, a contact detail, a person's value in a subject): no control characters, no line breaks. */
export function cleanLine(text: string): string {
  return text.replace(CONTROL, "").replace(/\s*[\r\n]+\s*/g, " ");
}

const LINK_PATTERN = /https:\/\/[^\s<>"]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?'"]+$/;

/** Splits text into plain runs and placeholder slots; an unknown {{...}} stays as written. */
function splitPlaceholders(text: string): Inline[] {
  const out: Inline[] = [];
  let at = 0;
  for (const match of text.matchAll(PLACEHOLDER_PATTERN)) {
    const ref = resolvePlaceholder(match[1]!, match[0]);
    if (!ref) continue;
    if (match.index > at) out.push({ kind: "text", text: text.slice(at, match.index) });
    out.push({ kind: "slot", ref });
    at = match.index + match[0].length;
  }
  if (at < text.length) out.push({ kind: "text", text: text.slice(at) });
  return mergeText(out);
}

function mergeText(runs: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const run of runs) {
    const last = out[out.length - 1];
    if (run.kind === "text" && last?.kind === "text") last.text += run.text;
    else out.push(run);
  }
  return out;
}

/** The end of a bare link: trailing punctuation, and a closing bracket it does not open, are text. */
function trimLink(url: string): string {
  let link = url.replace(TRAILING_PUNCTUATION, "");
  while (link.endsWith(")") && (link.match(/\(/g)?.length ?? 0) < (link.match(/\)/g)?.length ?? 0)) {
    link = link.slice(0, -1).replace(TRAILING_PUNCTUATION, "");
  }
  return link;
}

/** One line's runs: bare https:// links (which may hold placeholders, e.g. ?id={{external_id}}) and the rest. */
function parseLine(line: string): Inline[] {
  const out: Inline[] = [];
  let at = 0;
  for (const match of line.matchAll(LINK_PATTERN)) {
    const link = trimLink(match[0]);
    const staticPart = link.replace(PLACEHOLDER_PATTERN, "x");
    if (link.length <= "https://".length || !URL.canParse(staticPart)) continue;
    if (match.index > at) out.push(...splitPlaceholders(line.slice(at, match.index)));
    out.push({ kind: "link", parts: splitPlaceholders(link) });
    at = match.index + link.length;
  }
  if (at < line.length) out.push(...splitPlaceholders(line.slice(at)));
  return out;
}

const LIST_ITEM = /^\s*- +/;

/** The blocks of a text: paragraphs (one per run of non-list lines), lists, and {{categories}} alone. */
function parseBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of cleanText(text).split(/\n[ \t]*\n/)) {
    const lines = chunk.split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0) continue;
    if (lines.length === 1 && /^\{\{\s*categories\s*\}\}$/i.test(lines[0]!.trim())) {
      blocks.push({ kind: "categories" });
      continue;
    }
    let current: Block | undefined;
    for (const line of lines) {
      if (LIST_ITEM.test(line)) {
        if (current?.kind !== "list") {
          current = { kind: "list", items: [] };
          blocks.push(current);
        }
        current.items.push(parseLine(line.replace(LIST_ITEM, "").trim()));
      } else {
        if (current?.kind !== "paragraph") {
          current = { kind: "paragraph", lines: [] };
          blocks.push(current);
        }
        current.lines.push(parseLine(line.trim()));
      }
    }
  }
  return blocks;
}

/** Appends a string piece, joining it to a string before it. */
function push(pieces: Piece[], piece: Piece): void {
  const last = pieces.length - 1;
  if (typeof piece === "string" && typeof pieces[last] === "string") pieces[last] += piece;
  else if (piece !== "") pieces.push(piece);
}

function inlineHtml(pieces: Piece[], runs: Inline[], inHref = false): void {
  for (const run of runs) {
    if (run.kind === "text") push(pieces, escapeHtml(run.text));
    else if (run.kind === "slot") push(pieces, { ref: run.ref, mode: inHref ? "href" : "html" });
    else {
      push(pieces, '<a href="');
      inlineHtml(pieces, run.parts, true);
      push(pieces, `" style="${blockStyles.link}">`);
      inlineHtml(pieces, run.parts);
      push(pieces, "</a>");
    }
  }
}

function inlineText(pieces: Piece[], runs: Inline[], inHref = false): void {
  for (const run of runs) {
    if (run.kind === "text") push(pieces, run.text);
    else if (run.kind === "slot") push(pieces, { ref: run.ref, mode: inHref ? "href" : "text" });
    else inlineText(pieces, run.parts, true);
  }
}

/** Compiles a text to the HTML pieces of its blocks (empty for an empty text). */
export function compileHtml(text: string): Piece[] {
  const pieces: Piece[] = [];
  for (const block of parseBlocks(text)) {
    if (block.kind === "categories") {
      push(pieces, { ref: { name: "categories", written: "{{categories}}" }, mode: "htmlList" });
    } else if (block.kind === "list") {
      push(pieces, `<ul style="${blockStyles.list}">\n`);
      for (const item of block.items) {
        push(pieces, `<li style="${blockStyles.item}">`);
        inlineHtml(pieces, item);
        push(pieces, "</li>\n");
      }
      push(pieces, "</ul>\n");
    } else {
      push(pieces, `<p style="${blockStyles.paragraph}">`);
      block.lines.forEach((line, i) => {
        if (i > 0) push(pieces, "<br>\n");
        inlineHtml(pieces, line);
      });
      push(pieces, "</p>\n");
    }
  }
  return pieces;
}

/** Compiles a text to plain-text pieces: paragraphs and lists separated by a blank line. */
export function compileText(text: string): Piece[] {
  const pieces: Piece[] = [];
  parseBlocks(text).forEach((block, i) => {
    if (i > 0) push(pieces, "\n\n");
    if (block.kind === "categories") {
      push(pieces, { ref: { name: "categories", written: "{{categories}}" }, mode: "textList" });
    } else if (block.kind === "list") {
      block.items.forEach((item, j) => {
        push(pieces, j > 0 ? "\n- " : "- ");
        inlineText(pieces, item);
      });
    } else {
      block.lines.forEach((line, j) => {
        if (j > 0) push(pieces, "\n");
        inlineText(pieces, line);
      });
    }
  });
  return pieces;
}

/** Compiles a single line (the subject): placeholders filled as plain text, no formatting. */
export function compileLine(text: string): Piece[] {
  const pieces: Piece[] = [];
  const line = cleanText(text)
    .replace(/\s*\n\s*/g, " ")
    .trim();
  for (const run of splitPlaceholders(line)) {
    if (run.kind === "text") push(pieces, run.text);
    else if (run.kind === "slot") push(pieces, { ref: run.ref, mode: "text" });
  }
  return pieces;
}

/** The slots a compiled text fills, for working out which values a person must have. */
export function slotsOf(pieces: Piece[]): Slot[] {
  return pieces.filter((p): p is Slot => typeof p !== "string");
}
