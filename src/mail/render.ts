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

const emailsDir = join(projectRoot, "views", "emails");

/**
 * Renders one of the app's own emails (views/emails/<name>.html.ejs and .text.ejs) with
 * every value escaped in the HTML part. Expected data: link (an http(s) URL, required),
 * name, invitedBy and expiresAt (a Date, shown in UTC, or text shown as given).
 */
export async function renderSystemEmail(name: SystemEmailName, data: Record<string, unknown>): Promise<RenderedEmail> {
  const locals = systemEmailLocals(name, data);
  const [html, text] = await Promise.all([
    ejs.renderFile(join(emailsDir, `${name}.html.ejs`), locals, { cache: true }),
    // A text/plain part is never read as HTML: escaping there would turn "&" in a name or a
    // link into "&amp;", so the text templates write values as they are.
    ejs.renderFile(join(emailsDir, `${name}.text.ejs`), locals, { cache: true, escape: asPlainText }),
  ]);
  return { subject: subjects[name], text: `${text.trimEnd()}\n`, html };
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

function asPlainText(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}
