/**
 * The e-mail layout of a notice (views/emails/notice.html.ejs and notice.text.ejs): built-in
 * EJS files, compiled once per process, the only EJS source a notice involves.
 *
 * For speed the layout is not run per person. It is run once per version and set of data
 * categories with markers where the person's words go (the subject and each section's filled
 * text), and the result is cut at the markers into a "shape": render() then only joins the
 * shape's strings with the person's filled sections. The layout therefore must not branch on
 * the subject or a section's words; what it shows of each section is decided before it runs.
 */
import type ejs from "ejs";
import { compileEmailPart, endText } from "../../mail/render.js";
import type { SectionKey } from "./notice-content.policy.js";
import { escapeHtml } from "./notice-format.policy.js";

/** What the layout files read. */
export interface LayoutLocals {
  language: string;
  dir: "ltr" | "rtl";
  subject: string;
  sections: { key: SectionKey; heading: string; rule: string; html: string; text: string }[];
  contact: { organisation: string; email: string; phone: string; phoneHref: string };
  categories: { name: string; advice: string }[];
  reference: string;
}

/** A rendered layout cut at its markers: strings to copy, and 0 (the subject) or n (the n-th section shown). */
export type LayoutPiece = string | number;

export interface LayoutShape {
  html: LayoutPiece[];
  text: LayoutPiece[];
}

interface LayoutTemplates {
  html: ejs.TemplateFunction;
  text: ejs.TemplateFunction;
}

const LAYOUT_LOCALS: (keyof LayoutLocals)[] = ["language", "dir", "subject", "sections", "contact", "categories", "reference"];

let templates: LayoutTemplates | undefined;

function layoutTemplates(): LayoutTemplates {
  // The cheap escaper of the notice's own words (notice-format.policy.ts), so the layout and the
  // sections escape alike.
  const options = { locals: LAYOUT_LOCALS, escapeHtml };
  templates ??= {
    html: compileEmailPart("emails/notice", "html", options),
    text: compileEmailPart("emails/notice", "text", options),
  };
  return templates;
}

// NUL never reaches the layout from the manager's words or a person's values (cleanText and
// cleanLine remove control characters), so a marker cannot be forged.
const marker = (n: number) => `\u0000${n}\u0000`;
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the marker, chosen because no text can hold it
const MARKER = /\u0000(\d+)\u0000/;

function cut(rendered: string): LayoutPiece[] {
  const parts = rendered.split(MARKER);
  return parts.map((part, i) => (i % 2 === 1 ? Number(part) : part)).filter((p) => p !== "");
}

/**
 * Runs the layout with markers for the subject and the sections' words. `hasWords` says which
 * of the shown sections have words of their own (a section shown only for its contact details
 * or data categories has none).
 */
export function renderLayoutShape(locals: Omit<LayoutLocals, "subject">, hasWords: boolean[]): LayoutShape {
  const { html, text } = layoutTemplates();
  const marked: LayoutLocals = {
    ...locals,
    subject: marker(0),
    sections: locals.sections.map((s, i) => ({
      ...s,
      html: hasWords[i] ? marker(i + 1) : "",
      text: hasWords[i] ? marker(i + 1) : "",
    })),
  };
  return { html: cut(html(marked)), text: cut(endText(text(marked))) };
}

/** Joins a shape with one person's subject and sections. */
export function joinShape(pieces: LayoutPiece[], subject: string, sections: string[]): string {
  let out = "";
  for (const piece of pieces) {
    out += typeof piece === "string" ? piece : piece === 0 ? subject : sections[piece - 1]!;
  }
  return out;
}
