import { z } from "zod";
import { safeText } from "../../lib/validation.js";
import { normaliseLanguage } from "../people/index.js";
import { CATEGORY_ID_PATTERN, type CategoryWords, type SectionKey, sectionKeys, sectionLabels } from "./notice-content.policy.js";

export const MAX_SECTION_CHARS = 10_000;
export const MAX_SUBJECT_CHARS = 200;

/** A BCP 47 tag as typed (fr-CA, fr_ca, French), with conventional case; a message when it is not one. */
export const languageField = (what: string) =>
  z
    .string({ message: `Give ${what} as a language tag, e.g. en or fr-CA.` })
    .trim()
    .min(1, { message: `Give ${what} as a language tag, e.g. en or fr-CA.` })
    .transform((value, ctx) => {
      const tag = normaliseLanguage(value);
      if (!tag) {
        ctx.addIssue({ code: "custom", message: `"${value.slice(0, 40)}" is not a language tag: use one like en, de or fr-CA.` });
        return z.NEVER;
      }
      return tag;
    });

/** A new template, or a template's name and fallback language changed. */
export const templateSchema = z.object({
  name: z
    .string({ message: "Name the notice, e.g. Notice to members." })
    .trim()
    .min(1, { message: "Name the notice, e.g. Notice to members." })
    .max(120, { message: "A name has at most 120 characters." })
    .superRefine(safeText("The name", "line")),
  fallbackLanguage: languageField("the fallback language").default("en"),
});

export type TemplateInput = z.infer<typeof templateSchema>;

const sectionText = (key: SectionKey) =>
  z
    .string()
    .max(MAX_SECTION_CHARS, { message: `"${sectionLabels[key]}" has at most ${MAX_SECTION_CHARS} characters.` })
    .superRefine(safeText(`"${sectionLabels[key]}"`, "long"))
    .default("");

const headingText = (key: SectionKey) =>
  z
    .string()
    .trim()
    .max(120, { message: `The heading of "${sectionLabels[key]}" has at most 120 characters.` })
    .transform((v) => v.replace(/\s+/g, " "))
    .superRefine(safeText(`The heading of "${sectionLabels[key]}"`, "line"))
    .default("");

/** Deliberately simple, like the people import's: one @, no spaces, a dot in the domain. */
const EMAIL = /^[^\s@<>()"]+@[^\s@<>()".]+(\.[^\s@<>()".]+)+$/;
const PHONE = /^\+?[0-9 ()./-]+((ext\.?|x)\s*[0-9]+)?$/i;

const CATEGORY_FIELD = /^category(Name|Advice)_(.+)$/;

/**
 * The categoryName_<id> and categoryAdvice_<id> fields of a form, by id, each as one line
 * (whitespace runs, line breaks included, are one space). Their limits and placeholders are
 * checked by the service, whose messages name the category (notice-validation.policy.ts).
 */
function categoryWordsOfBody(body: Record<string, unknown>): Record<string, CategoryWords> {
  // A Map, not an object: an id like "constructor" must not find an inherited property.
  const words = new Map<string, CategoryWords>();
  for (const [field, value] of Object.entries(body)) {
    const match = CATEGORY_FIELD.exec(field);
    if (!match || !CATEGORY_ID_PATTERN.test(match[2]!) || typeof value !== "string") continue;
    const entry = words.get(match[2]!) ?? { name: "", advice: "" };
    words.set(match[2]!, entry);
    const line = value.replace(/\s+/g, " ").trim();
    if (match[1] === "Name") entry.name = line;
    else entry.advice = line;
  }
  return Object.fromEntries(words);
}

/**
 * A version as the editor sends it: section_<key>, heading_<key>, the details, the ticked items
 * and the words of the data categories (categoryName_<id>, categoryAdvice_<id>, as categoryWords).
 */
export const versionSchema = z.preprocess(
  (body) =>
    body && typeof body === "object" && !Array.isArray(body)
      ? { ...body, categoryWords: categoryWordsOfBody(body as Record<string, unknown>) }
      : body,
  z.object({
    language: languageField("the language"),
    subject: z
      .string({ message: "Write a subject." })
      .transform((v) => v.replace(/\s+/g, " ").trim())
      .pipe(
        z
          .string()
          .min(1, { message: "Write a subject: it is the first line people see." })
          .max(MAX_SUBJECT_CHARS, { message: `A subject has at most ${MAX_SUBJECT_CHARS} characters.` })
          .superRefine(safeText("The subject", "line")),
      ),
    ...Object.fromEntries(sectionKeys.map((key) => [`section_${key}`, sectionText(key)])),
    ...Object.fromEntries(sectionKeys.map((key) => [`heading_${key}`, headingText(key)])),
    organisation: z
      .string()
      .trim()
      .max(200, { message: "The organisation's name has at most 200 characters." })
      .superRefine(safeText("The organisation's name", "line"))
      .default(""),
    contactEmail: z
      .string()
      .trim()
      .max(254, { message: "An e-mail address has at most 254 characters." })
      .refine((v) => v === "" || EMAIL.test(v), { message: "Enter the contact e-mail address like privacy@example.org." })
      .superRefine(safeText("The contact e-mail address", "line"))
      .default(""),
    contactPhone: z
      .string()
      .trim()
      .max(40, { message: "A phone number has at most 40 characters." })
      .refine((v) => v === "" || (PHONE.test(v) && (v.match(/[0-9]/g)?.length ?? 0) >= 5), {
        message: "Enter the contact phone with digits, e.g. +61 2 9876 5432.",
      })
      .default(""),
    checked: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
    categoryWords: z.record(z.object({ name: z.string(), advice: z.string() })),
    /** "statementId:version" when the editor's words were started from a statement (kept in the audit). */
    fromStatement: z
      .string()
      .trim()
      .max(100)
      .regex(/^([\w-]+:\d+)?$/)
      .optional()
      .catch(undefined),
  }),
) as z.ZodType<VersionInput, z.ZodTypeDef, unknown>;

export interface VersionInput {
  language: string;
  subject: string;
  organisation: string;
  contactEmail: string;
  contactPhone: string;
  checked: string[];
  /** By data-category id, as typed (one line each; "" when left empty); none when absent. */
  categoryWords?: Record<string, CategoryWords>;
  /** "statementId:version" when the words were started from a statement. */
  fromStatement?: string;
  [field: `section_${string}`]: string;
  [field: `heading_${string}`]: string;
}

/** The preview's query: a version (default: the person's language among the latest), a person (default: the first), a search. */
export const previewQuerySchema = z.object({
  version: z.string().trim().max(64).optional().catch(undefined),
  person: z.string().trim().max(64).optional().catch(undefined),
  q: z.string().trim().max(200).superRefine(safeText("The search", "line")).optional().catch(undefined),
});

export type PreviewQuery = z.infer<typeof previewQuerySchema>;
