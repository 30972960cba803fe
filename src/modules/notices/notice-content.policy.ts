/**
 * What a notice template version holds, and how it is kept in NoticeTemplateVersion.sections.
 *
 * The manager's words are data, never code: each section is plain text with light formatting
 * (notice-format.policy.ts) and the fixed placeholders below; nothing typed in the browser reaches EJS
 * as template source. The JSON object in `sections` has one key per section (its text), and:
 * - `headings`: the heading of each section in the version's language (defaults in English);
 * - `details`: the organisation's name and the contact e-mail and phone, shown under "Who we
 *   are" and substituted for {{organisation}}, {{contact_email}} and {{contact_phone}};
 * - `checkedItems`: the content items of other regimes the manager confirmed by hand
 *   (notice-content-check.policy.ts), so the confirmation belongs to the exact words it was given for;
 * - `categoryWords` (absent when none is given, so older versions read the same): the name and
 *   advice of data categories in the version's language, by category id; an empty name or advice
 *   is the catalogue's (English) one. Text only, like the headings: escaped, never formatted,
 *   no placeholder.
 */
import { z } from "zod";
import { organisationPlaceholders } from "../organisation/index.js";

export const sectionKeys = [
  "whoWeAre",
  "whatHappened",
  "when",
  "whatInformation",
  "whatWeHaveDone",
  "whatYouShouldDo",
  "learnMore",
] as const;
export type SectionKey = (typeof sectionKeys)[number];

/** The default heading of each section, and what the editor calls it. */
export const sectionLabels: Record<SectionKey, string> = {
  whoWeAre: "Who we are and how to contact us",
  whatHappened: "What happened",
  when: "When it happened",
  whatInformation: "What information about you was involved",
  whatWeHaveDone: "What we have done",
  whatYouShouldDo: "What you should do",
  learnMore: "Where to learn more",
};

/** A line of help shown under each section's box in the editor. */
export const sectionHints: Record<SectionKey, string> = {
  whoWeAre: "Your organisation and how people reach you. The contact details below are added under it.",
  whatHappened: "The nature of the breach, in plain words.",
  when: "When it happened and when you found out.",
  whatInformation:
    "What it means for the person. Below your words, each person's notice lists their own data categories with their advice, in the words given under “How this version names the data categories” (else the catalogue's).",
  whatWeHaveDone: "What you did to contain it and protect people, and what you will do.",
  whatYouShouldDo: "The steps you recommend.",
  learnMore: "Where to find updates and help.",
};

/** A data category's words in a version's language; "" means the catalogue's. */
export interface CategoryWords {
  name: string;
  advice: string;
}

export const MAX_CATEGORY_NAME_CHARS = 120;
export const MAX_CATEGORY_ADVICE_CHARS = 1000;
/**
 * A data category's id as the catalogue makes them (data-categories.service.ts slugFromName:
 * no leading underscore, so never "__proto__").
 */
export const CATEGORY_ID_PATTERN = /^[a-z0-9][a-z0-9_]{0,63}$/;

export interface NoticeDetails {
  organisation: string;
  contactEmail: string;
  contactPhone: string;
}

/** Everything of a version but its subject, as kept in the `sections` JSON. */
export interface NoticeContent {
  sections: Record<SectionKey, string>;
  headings: Record<SectionKey, string>;
  details: NoticeDetails;
  checkedItems: string[];
  /** By data-category id; only categories with a name or advice given. Optional: read as none. */
  categoryWords?: Record<string, CategoryWords>;
}

/** A version's words with its subject and language: what the renderer and the checks read. */
export interface NoticeWords extends NoticeContent {
  subject: string;
  language: string;
}

/** The placeholders a manager may use, each with what it becomes. The only ones substituted. */
export const placeholders = [
  { name: "first_name", description: "the person's first (given) name" },
  { name: "last_name", description: "the person's last (family) name" },
  { name: "full_name", description: "first and last name" },
  { name: "email", description: "the person's e-mail address" },
  { name: "external_id", description: "the person's id in your records" },
  { name: "incident_reference", description: "this incident's reference" },
  { name: "categories", description: "the person's data categories (a list when alone on a line)" },
  { name: "organisation", description: "the organisation's name (below)" },
  { name: "contact_email", description: "the contact e-mail address (below)" },
  { name: "contact_phone", description: "the contact phone number (below)" },
  // The organisation's profile, with the incident's own sender and contact point over it (modules/organisation).
  ...organisationPlaceholders,
  // Each notice's own code and the page where people check it (modules/verification, decision 0019).
  {
    name: "verification.code",
    description: "this notice's verification code, e.g. 7KQ2-M9XD-4TRP (given when the campaign starts)",
  },
  { name: "verification.url", description: "the page where people check a code: PUBLIC_URL/verify" },
  { name: "attribute:NAME", description: "the person's imported column NAME, e.g. {{attribute:Member number}}" },
] as const;

export type PlaceholderName = Exclude<(typeof placeholders)[number]["name"], "attribute:NAME"> | "attribute";

const FIXED_NAMES = new Set<string>(placeholders.map((p) => p.name).filter((n) => n !== "attribute:NAME"));

/** A placeholder as written, resolved: the fixed name, or "attribute" with the column's name. */
export interface PlaceholderRef {
  name: PlaceholderName;
  /** The attribute's name, for {{attribute:NAME}}. */
  attribute?: string;
  /** As the manager wrote it, e.g. {{ First_Name }}. */
  written: string;
}

/** Matches {{ ... }} without braces inside; the content is checked by resolvePlaceholder. */
export const PLACEHOLDER_PATTERN = /\{\{([^{}]*)\}\}/g;

/**
 * Resolves the inside of {{...}}: a fixed name (any case, spaces around ignored) or
 * attribute:NAME (NAME as imported, case kept); undefined for anything else.
 */
export function resolvePlaceholder(inside: string, written: string): PlaceholderRef | undefined {
  const trimmed = inside.trim();
  const attribute = /^attribute\s*:\s*(.+)$/i.exec(trimmed);
  if (attribute) return { name: "attribute", attribute: attribute[1]!.trim(), written };
  const name = trimmed.toLowerCase();
  return FIXED_NAMES.has(name) ? { name: name as PlaceholderName, written } : undefined;
}

/** The canonical spelling of a placeholder, e.g. {{first_name}} or {{attribute:Member number}}. */
export function placeholderKey(ref: Pick<PlaceholderRef, "name" | "attribute">): string {
  return ref.name === "attribute" ? `{{attribute:${ref.attribute}}}` : `{{${ref.name}}}`;
}

/** Every {{...}} in a text, known or not, in order. */
export function findPlaceholders(text: string): { known: PlaceholderRef[]; unknown: string[] } {
  const known: PlaceholderRef[] = [];
  const unknown: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER_PATTERN)) {
    const ref = resolvePlaceholder(match[1]!, match[0]);
    if (ref) known.push(ref);
    else unknown.push(match[0]);
  }
  return { known, unknown };
}

const text = z.string().catch("");

const storedContentSchema = z.object({
  headings: z.record(z.string()).catch({}),
  details: z.object({ organisation: text, contactEmail: text, contactPhone: text }).partial().catch({}),
  checkedItems: z.array(z.string()).catch([]),
  categoryWords: z.record(z.object({ name: text, advice: text }).partial().catch({})).catch({}),
});

/** The default headings, for a new template or a stored version that has none. */
export function defaultHeadings(): Record<SectionKey, string> {
  return { ...sectionLabels };
}

/**
 * Reads a version's `sections` JSON. Written only by serializeContent, so anything missing or
 * malformed (a hand-edited row) reads as empty rather than failing a whole campaign.
 */
export function parseContent(json: string): NoticeContent {
  let raw: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(json) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) raw = parsed as Record<string, unknown>;
  } catch {
    // an unreadable row reads as an empty version
  }
  const stored = storedContentSchema.parse({
    headings: raw.headings,
    details: raw.details,
    checkedItems: raw.checkedItems,
    categoryWords: raw.categoryWords ?? {},
  });
  const sections = {} as Record<SectionKey, string>;
  const headings = {} as Record<SectionKey, string>;
  for (const key of sectionKeys) {
    sections[key] = typeof raw[key] === "string" ? (raw[key] as string) : "";
    const heading = stored.headings[key];
    headings[key] = typeof heading === "string" && heading.trim() !== "" ? heading : sectionLabels[key];
  }
  return {
    sections,
    headings,
    details: {
      organisation: stored.details.organisation ?? "",
      contactEmail: stored.details.contactEmail ?? "",
      contactPhone: stored.details.contactPhone ?? "",
    },
    checkedItems: stored.checkedItems,
    categoryWords: givenCategoryWords(
      Object.fromEntries(
        Object.entries(stored.categoryWords).map(([id, w]) => [id, { name: w.name ?? "", advice: w.advice ?? "" }]),
      ),
    ),
  };
}

/** The entries with a name or advice given (trimmed), in id order: what a version keeps. */
export function givenCategoryWords(words: Record<string, CategoryWords> | undefined): Record<string, CategoryWords> {
  const out: Record<string, CategoryWords> = {};
  for (const [id, given] of Object.entries(words ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!CATEGORY_ID_PATTERN.test(id)) continue;
    const name = given.name.trim();
    const advice = given.advice.trim();
    if (name !== "" || advice !== "") out[id] = { name, advice };
  }
  return out;
}

/** The `sections` JSON of a version, keys in a fixed order so equal content gives equal text. */
export function serializeContent(content: NoticeContent): string {
  const out: Record<string, unknown> = {};
  for (const key of sectionKeys) out[key] = content.sections[key];
  out.headings = Object.fromEntries(sectionKeys.map((key) => [key, content.headings[key]]));
  out.details = {
    organisation: content.details.organisation,
    contactEmail: content.details.contactEmail,
    contactPhone: content.details.contactPhone,
  };
  out.checkedItems = [...content.checkedItems].sort();
  // Left out when empty, so a version saved before category words existed compares equal.
  const categoryWords = givenCategoryWords(content.categoryWords);
  if (Object.keys(categoryWords).length) out.categoryWords = categoryWords;
  return JSON.stringify(out);
}
