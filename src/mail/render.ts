import { readFileSync } from "node:fs";
import { join } from "node:path";
import ejs from "ejs";
import { DateTime } from "luxon";
import { projectRoot } from "../lib/paths.js";

const subjects = {
  invite: "You are invited to Breachdesk",
  "password-reset": "Reset your Breachdesk password",
} as const;

export type SystemEmailName = keyof typeof subjects;

/** The subjects of the app's own emails, each of which carries a one-time link. */
export const systemEmailSubjects: readonly string[] = Object.values(subjects);

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const viewsDir = join(projectRoot, "views");

/**
 * The one e-mail renderer: runs views/<template>.html.ejs and views/<template>.text.ejs with
 * the same values, every value escaped in the HTML part and written as it is in the text part;
 * the text ends in exactly one newline. `template` is a path under views/ without its ending,
 * e.g. "emails/reminder" or "campaigns/emails/paused".
 */
export async function renderEmail(template: string, subject: string, locals: Record<string, unknown>): Promise<RenderedEmail> {
  const [html, text] = await Promise.all([
    ejs.renderFile(join(viewsDir, `${template}.html.ejs`), locals, { cache: true }),
    ejs.renderFile(join(viewsDir, `${template}.text.ejs`), locals, { cache: true, escape: asPlainText }),
  ]);
  return { subject, html, text: endText(text) };
}

/**
 * Compiles one part of an e-mail template once, to be run synchronously many times (the
 * notices' layout, run once per version and list of categories). `locals` names every value
 * the template reads (declared, not looked up through `with`, which is several times slower);
 * `escapeHtml` is the HTML part's escaper. The text part writes values as they are: pass its
 * output through endText.
 */
export function compileEmailPart(
  template: string,
  part: "html" | "text",
  options: { locals: readonly string[]; escapeHtml: (value: unknown) => string },
): ejs.TemplateFunction {
  const filename = join(viewsDir, `${template}.${part}.ejs`);
  return ejs.compile(readFileSync(filename, "utf8"), {
    filename,
    async: false,
    client: false,
    strict: true,
    compileDebug: false,
    destructuredLocals: [...options.locals],
    escape: part === "html" ? options.escapeHtml : asPlainText,
  });
}

/** A rendered text part as sent: trailing blank lines and spaces cut, one newline at the end. */
export function endText(text: string): string {
  return `${text.trimEnd()}\n`;
}

/**
 * Renders one of the app's own emails (views/emails/<name>.html.ejs and .text.ejs) with
 * every value escaped in the HTML part. Expected data: link (an http(s) URL, required),
 * name, invitedBy and expiresAt (a Date, shown in UTC, or text shown as given).
 */
export async function renderSystemEmail(name: SystemEmailName, data: Record<string, unknown>): Promise<RenderedEmail> {
  return renderEmail(`emails/${name}`, subjects[name], systemEmailLocals(name, data));
}

function systemEmailLocals(name: SystemEmailName, data: Record<string, unknown>) {
  const link = typeof data.link === "string" ? data.link : "";
  if (!/^https?:\/\//i.test(link) || !URL.canParse(link)) {
    throw new Error(`renderSystemEmail(${name}): data.link must be an http(s) URL`);
  }
  return {
    // Every template variable is defined, since EJS throws a ReferenceError on a missing one.
    name: textOf(data.name),
    invitedBy: textOf(data.invitedBy) ?? "An administrator",
    link,
    expiresAt: formatInstant(data.expiresAt),
  };
}

function textOf(value: unknown): string | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const text = String(value).trim();
  return text === "" ? null : text;
}

function formatInstant(value: unknown): string | null {
  if (value instanceof Date) {
    return DateTime.fromJSDate(value, { zone: "utc" }).toFormat("d LLLL yyyy 'at' HH:mm 'UTC'", { locale: "en-GB" });
  }
  return textOf(value);
}

// A text/plain part is never read as HTML: escaping there would turn "&" in a name or a link
// into "&amp;", so the text templates write values as they are.
function asPlainText(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}
