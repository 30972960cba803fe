import { Parser } from "htmlparser2";

// Filling a rendered form with values a person typed before, for the form they sent when their
// session had expired (kept-form.ts). It works on the page's HTML, so every form is refilled the
// same way without its handler knowing: only the tags of the fields change, the rest of the page
// stays byte for byte as rendered.

/** Field values as a form sends them: one string, or several for a repeated name. */
export type FormFields = Record<string, string | string[]>;

/** Inputs that are never refilled: state the page sets (hidden), secrets, files and buttons. */
const UNTOUCHED_TYPES = new Set(["hidden", "password", "file", "submit", "button", "image", "reset"]);

interface Edit {
  start: number;
  /** Exclusive. */
  end: number;
  text: string;
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** The few entities EJS writes, undone (option text without a value attribute). */
function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Attributes that are on by being there: written bare. */
const BOOLEAN_ATTRIBUTES = new Set([
  "checked",
  "selected",
  "required",
  "disabled",
  "readonly",
  "multiple",
  "open",
  "novalidate",
  "autofocus",
  "hidden",
]);

/** An opening tag written from its (decoded) attributes. */
function tag(name: string, attribs: Record<string, string>): string {
  const parts = Object.entries(attribs).map(([key, value]) =>
    value === "" && BOOLEAN_ATTRIBUTES.has(key) ? key : `${key}="${escapeHtml(value)}"`,
  );
  return `<${name}${parts.length ? ` ${parts.join(" ")}` : ""}>`;
}

function withFlag(attribs: Record<string, string>, flag: string, isOn: boolean): Record<string, string> {
  const { [flag]: _, ...rest } = attribs;
  return isOn ? { ...rest, [flag]: "" } : rest;
}

function valuesOf(fields: FormFields, name: string): string[] {
  const value = fields[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Fills the first form of `html` that posts to `action` (a form without an action posts to
 * `pagePath`) with `fields`: text-like inputs get their value (a repeated name its values in
 * order), text areas their text, checkboxes and radio buttons are checked when their value was
 * sent, and options selected when theirs was. Hidden, password, file and button inputs stay as
 * rendered. A closed <details> around the form is opened, so the person sees what came back.
 * Returns null when the page has no such form.
 */
export function refillForm(html: string, action: string, fields: FormFields, pagePath: string): string | null {
  const edits: Edit[] = [];
  const openDetails: { start: number; end: number; attribs: Record<string, string> }[] = [];
  const usedCount = new Map<string, number>();
  let state: "before" | "inside" | "after" = "before";
  let textarea: { name: string; contentStart: number } | null = null;
  let select: { name: string } | null = null;
  let option: { start: number; end: number; attribs: Record<string, string>; text: string } | null = null;

  const closeOption = () => {
    if (!option || !select) return;
    const value = option.attribs.value ?? unescapeHtml(option.text).trim();
    const isSelected = valuesOf(fields, select.name).includes(value);
    edits.push({ start: option.start, end: option.end, text: tag("option", withFlag(option.attribs, "selected", isSelected)) });
    option = null;
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const start = parser.startIndex;
        const end = parser.endIndex + 1;
        if (state === "before") {
          if (name === "details") openDetails.push({ start, end, attribs });
          if (name === "form" && (attribs.action || pagePath) === action) {
            state = "inside";
            for (const details of openDetails) {
              if (!("open" in details.attribs)) {
                edits.push({ start: details.start, end: details.end, text: tag("details", { ...details.attribs, open: "" }) });
              }
            }
          }
          return;
        }
        if (state !== "inside") return;
        const fieldName = attribs.name;
        if (name === "input" && fieldName) {
          const type = (attribs.type ?? "text").toLowerCase();
          if (UNTOUCHED_TYPES.has(type)) return;
          if (type === "checkbox" || type === "radio") {
            const isChecked = valuesOf(fields, fieldName).includes(attribs.value ?? "on");
            edits.push({ start, end, text: tag("input", withFlag(attribs, "checked", isChecked)) });
            return;
          }
          const values = valuesOf(fields, fieldName);
          const index = usedCount.get(fieldName) ?? 0;
          if (index >= values.length) return;
          usedCount.set(fieldName, index + 1);
          edits.push({ start, end, text: tag("input", { ...attribs, value: values[index] ?? "" }) });
        } else if (name === "textarea" && fieldName && fieldName in fields) {
          textarea = { name: fieldName, contentStart: end };
        } else if (name === "select" && fieldName && fieldName in fields) {
          select = { name: fieldName };
        } else if (name === "option" && select) {
          closeOption();
          option = { start, end, attribs, text: "" };
        }
      },
      ontext(text) {
        if (option) option.text += text;
      },
      onclosetag(name) {
        if (state === "before") {
          if (name === "details") openDetails.pop();
          return;
        }
        if (state !== "inside") return;
        if (name === "textarea" && textarea) {
          const value = valuesOf(fields, textarea.name)[0] ?? "";
          // A newline right after <textarea> is dropped by the browser: write one more to keep it.
          const text = (value.startsWith("\n") ? "\n" : "") + escapeHtml(value);
          edits.push({ start: textarea.contentStart, end: parser.startIndex, text });
          textarea = null;
        } else if (name === "option") {
          closeOption();
        } else if (name === "select") {
          closeOption();
          select = null;
        } else if (name === "form") {
          state = "after";
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  if (state === "before") return null;
  let out = html;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}
