/**
 * The checks a version's words must pass to be saved: every {{...}} is one of the fixed
 * placeholders (an unknown one is named, with the nearest known one when it looks like a typo),
 * no placeholder is left unfinished, and a contact placeholder has its detail filled in; the
 * words of the data categories keep to their limits and hold no placeholder.
 * Pure; the messages are keyed by the editor's field names.
 */
import { findUnsafeCharacter, unsafeCharacterMessage } from "../../lib/text-safety.js";
import {
  type CategoryWords,
  findPlaceholders,
  MAX_CATEGORY_ADVICE_CHARS,
  MAX_CATEGORY_NAME_CHARS,
  type NoticeContent,
  PLACEHOLDER_PATTERN,
  placeholders,
  sectionKeys,
  sectionLabels,
} from "./notice-content.policy.js";

const KNOWN = placeholders.map((p) => p.name).filter((n) => n !== "attribute:NAME");

/** Edit distance, for "did you mean": short strings only. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function suggestionFor(written: string): string | undefined {
  const inside = written
    .slice(2, -2)
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if (/^attributes?\b/.test(inside)) return "{{attribute:NAME}}";
  let best: { name: string; d: number } | undefined;
  for (const name of KNOWN) {
    const d = distance(inside, name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= 3 ? `{{${best.name}}}` : undefined;
}

function quoteList(items: string[]): string {
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** The message for one text's placeholder mistakes, or "" when it has none. */
export function placeholderProblem(text: string): string {
  const { unknown } = findPlaceholders(text);
  if (unknown.length) {
    const distinct = [...new Set(unknown)];
    const hints = distinct.map((u) => [u, suggestionFor(u)] as const).filter(([, s]) => s);
    const hint = hints.length ? ` Did you mean ${quoteList(hints.map(([u, s]) => `${s} for ${u}`))}?` : "";
    const verb = distinct.length === 1 ? "is not a placeholder" : "are not placeholders";
    return `${quoteList(distinct)} ${verb} Breachdesk knows.${hint} Use only the placeholders listed beside the editor.`;
  }
  const rest = text.replace(PLACEHOLDER_PATTERN, "");
  const open = rest.indexOf("{{");
  const close = rest.indexOf("}}");
  if (open !== -1 || close !== -1) {
    const at = open !== -1 ? open : Math.max(0, close - 20);
    return `A placeholder is not finished near "${rest.slice(at, at + 30).trim()}": write it as {{name}}, e.g. {{first_name}}.`;
  }
  return "";
}

const CONTACT_DETAILS = [
  { name: "organisation", field: "organisation", what: "the organisation's name" },
  { name: "contact_email", field: "contactEmail", what: "the contact e-mail address" },
  { name: "contact_phone", field: "contactPhone", what: "the contact phone number" },
] as const;

/**
 * Field errors of a version's subject and words: unknown or unfinished placeholders (per
 * section), placeholders in headings, and contact placeholders whose detail is empty.
 */
export function validateNoticeWords(subject: string, content: NoticeContent): Record<string, string> {
  const errors: Record<string, string> = {};
  const texts: [string, string][] = [
    ["subject", subject],
    ...sectionKeys.map((key): [string, string] => [`section_${key}`, content.sections[key]]),
  ];
  for (const [field, text] of texts) {
    const problem = placeholderProblem(text);
    if (problem) errors[field] = problem;
  }
  for (const key of sectionKeys) {
    if (/\{\{|\}\}/.test(content.headings[key])) {
      errors[`heading_${key}`] = `The heading of "${sectionLabels[key]}" cannot hold placeholders: write it as plain words.`;
    }
  }
  const used = new Set(texts.flatMap(([, text]) => findPlaceholders(text).known.map((ref) => ref.name)));
  for (const detail of CONTACT_DETAILS) {
    if (used.has(detail.name) && content.details[detail.field].trim() === "" && !errors[detail.field]) {
      errors[detail.field] = `{{${detail.name}}} is used in the notice: fill in ${detail.what}, or take the placeholder out.`;
    }
  }
  return errors;
}

/**
 * Warnings (not errors: the version is saved) about {{attribute:NAME}} placeholders naming a
 * column the incident's people do not have, as a typo does ({{attribute:Confrence}}): each names
 * the nearest column they have, and the columns they have (knownAttributes, from the incident's
 * imports). Such a placeholder would be empty in every notice; the preview and the readiness
 * check say so for each person.
 */
export function unknownAttributeWarnings(subject: string, content: NoticeContent, knownAttributes: string[]): string[] {
  const texts = [subject, ...sectionKeys.map((key) => content.sections[key])];
  const known = new Map(knownAttributes.map((name) => [name.trim().toLowerCase(), name]));
  const unknown = new Set<string>();
  for (const text of texts) {
    for (const ref of findPlaceholders(text).known) {
      if (ref.name === "attribute" && ref.attribute && !known.has(ref.attribute.trim().toLowerCase())) unknown.add(ref.attribute);
    }
  }
  const columns = knownAttributes.length
    ? `The incident's people have these columns: ${quoteList(knownAttributes)}.`
    : "The incident's people have no imported columns of their own yet.";
  return [...unknown].map((name) => {
    let nearest: { name: string; d: number } | undefined;
    for (const column of knownAttributes) {
      const d = distance(name.toLowerCase(), column.toLowerCase());
      if (!nearest || d < nearest.d) nearest = { name: column, d };
    }
    const hint =
      nearest && nearest.d <= Math.max(2, Math.floor(name.length / 3)) ? ` Did you mean {{attribute:${nearest.name}}}?` : "";
    return `{{attribute:${name}}} names a column none of the incident's people have, so it would be empty in every notice.${hint} ${columns}`;
  });
}

const count = (n: number) => n.toLocaleString("en");

/**
 * Field errors of a version's category words (keyed categoryName_<id>, categoryAdvice_<id>),
 * each naming the category by its catalogue name: a name longer than 120 characters, an advice
 * longer than 1,000, a placeholder in either (they are plain words: nothing is filled in), or
 * a hidden character (lib/text-safety.ts; both were made one line by the form's reader).
 */
export function validateCategoryWords(
  words: Record<string, CategoryWords>,
  catalogueNames: ReadonlyMap<string, string>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [id, { name, advice }] of Object.entries(words)) {
    const category = `"${catalogueNames.get(id) ?? id}"`;
    const hiddenInName = findUnsafeCharacter(name, "line");
    const hiddenInAdvice = findUnsafeCharacter(advice, "line");
    if (name.length > MAX_CATEGORY_NAME_CHARS) {
      errors[`categoryName_${id}`] =
        `The name given for ${category} has at most ${count(MAX_CATEGORY_NAME_CHARS)} characters (it has ${count(name.length)}).`;
    } else if (/\{\{|\}\}/.test(name)) {
      errors[`categoryName_${id}`] = `The name given for ${category} cannot hold placeholders: write it as plain words.`;
    } else if (hiddenInName) {
      errors[`categoryName_${id}`] = unsafeCharacterMessage(`The name given for ${category}`, hiddenInName);
    }
    if (advice.length > MAX_CATEGORY_ADVICE_CHARS) {
      errors[`categoryAdvice_${id}`] =
        `The advice given for ${category} has at most ${count(MAX_CATEGORY_ADVICE_CHARS)} characters (it has ${count(advice.length)}).`;
    } else if (/\{\{|\}\}/.test(advice)) {
      errors[`categoryAdvice_${id}`] = `The advice given for ${category} cannot hold placeholders: write it as plain words.`;
    } else if (hiddenInAdvice) {
      errors[`categoryAdvice_${id}`] = unsafeCharacterMessage(`The advice given for ${category}`, hiddenInAdvice);
    }
  }
  return errors;
}
