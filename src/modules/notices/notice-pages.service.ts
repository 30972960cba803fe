/**
 * What the notice pages show: the template page with its versions, a version, and the editor
 * with its content check. Reads only; saving is in notices.service.ts.
 */
import type { Deps } from "../../deps.js";
import type { NoticeTemplate } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { loadOrganisationFor } from "../organisation/index.js";
import { incidentCategories, isEnglish, languageName } from "./notice-category-words.policy.js";
import {
  CATEGORY_ID_PATTERN,
  type CategoryWords,
  defaultHeadings,
  type NoticeContent,
  type NoticeWords,
  parseContent,
  placeholders,
  sectionHints,
  sectionKeys,
  sectionLabels,
} from "./notice-content.policy.js";
import { checkNoticeContent, type ObligationForCheck } from "./notice-content-check.policy.js";
import { checkVersionsContent } from "./notice-readiness.service.js";
import { latestVersionIds } from "./notice-render.service.js";
import { preferredStatement, type StatementWords, startFromStatement } from "./notice-statement.policy.js";
import { readIncidentStatements } from "./notice-statement.service.js";
import {
  findLatestVersion,
  findVersion,
  listObligationTerms,
  listUserNames,
  listVersionSummaries,
  loadCategoryFacts,
  type NoticeTemplateVersion,
} from "./notices.repository.js";
import { requireTemplate } from "./notices.service.js";

/** The editor's form values: one string per field, and the ticked items. */
export interface EditorValues {
  fields: Record<string, string>;
  checked: string[];
}

/** What every notice page's form describes: the sections with labels and hints, the placeholders. */
export const editorVocabulary = { sectionKeys, sectionLabels, sectionHints, placeholders };

/** The editor's fields of a data category's words in the version's language. */
export const categoryNameField = (id: string) => `categoryName_${id}`;
export const categoryAdviceField = (id: string) => `categoryAdvice_${id}`;

/** A version's words as editor values. */
export function valuesOfContent(subject: string, language: string, content: NoticeContent): EditorValues {
  const fields: Record<string, string> = {
    language,
    subject,
    organisation: content.details.organisation,
    contactEmail: content.details.contactEmail,
    contactPhone: content.details.contactPhone,
  };
  for (const key of sectionKeys) {
    fields[`section_${key}`] = content.sections[key];
    fields[`heading_${key}`] = content.headings[key];
  }
  for (const [id, words] of Object.entries(content.categoryWords ?? {})) {
    fields[categoryNameField(id)] = words.name;
    fields[categoryAdviceField(id)] = words.advice;
  }
  return { fields, checked: content.checkedItems };
}

/** The category words the editor's fields hold, by id (as typed: unvalidated). */
function categoryWordsOfValues(values: EditorValues): Record<string, CategoryWords> {
  // A Map, not an object: an id like "constructor" must not find an inherited property.
  const words = new Map<string, CategoryWords>();
  for (const [field, value] of Object.entries(values.fields)) {
    const match = /^category(Name|Advice)_(.+)$/.exec(field);
    if (!match || !CATEGORY_ID_PATTERN.test(match[2]!)) continue;
    const entry = words.get(match[2]!) ?? { name: "", advice: "" };
    words.set(match[2]!, entry);
    if (match[1] === "Name") entry.name = value;
    else entry.advice = value;
  }
  return Object.fromEntries(words);
}

/** Editor values as the words the content check reads (unvalidated: the check shows what the form holds). */
export function wordsOfValues(values: EditorValues): NoticeWords {
  const f = values.fields;
  const headings = defaultHeadings();
  const sections = {} as NoticeWords["sections"];
  for (const key of sectionKeys) {
    sections[key] = f[`section_${key}`] ?? "";
    if (f[`heading_${key}`]?.trim()) headings[key] = f[`heading_${key}`]!.trim();
  }
  return {
    subject: f.subject ?? "",
    language: f.language ?? "",
    sections,
    headings,
    details: { organisation: f.organisation ?? "", contactEmail: f.contactEmail ?? "", contactPhone: f.contactPhone ?? "" },
    checkedItems: values.checked,
    categoryWords: categoryWordsOfValues(values),
  };
}

/** The form's fields as sent, for showing them again after a refusal. */
export function valuesOfBody(body: unknown): EditorValues {
  const raw = (body ?? {}) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) if (typeof value === "string" && key !== "_csrf") fields[key] = value;
  const checked = Array.isArray(raw.checked) ? raw.checked.filter((v): v is string => typeof v === "string") : [];
  if (typeof raw.checked === "string") checked.push(raw.checked);
  return { fields, checked };
}

/** PUBLIC_URL when configured: notices must then carry their verification code (decision 0019). */
function publicSiteOf(deps: Deps): { publicSite?: string } {
  return deps.config.PUBLIC_URL ? { publicSite: deps.config.publicUrl } : {};
}

async function contentCheckOf(
  deps: Deps,
  incidentId: string,
  words: NoticeWords,
  loaded?: { obligations: ObligationForCheck[]; categories: Awaited<ReturnType<typeof loadCategoryFacts>> },
) {
  const [terms, categories] = loaded
    ? [loaded.obligations, loaded.categories]
    : await Promise.all([listObligationTerms(deps.db.prisma, incidentId), loadCategoryFacts(deps.db.prisma, incidentId)]);
  return checkNoticeContent(words, terms, {
    incidentCategoryCount: categories.incidentCategoryIds.length,
    ...publicSiteOf(deps),
  });
}

/** The template page: its versions by language (newest first) with who saved them, and the latest versions' content check. */
export async function loadTemplatePage(deps: Deps, reference: string, templateId: string) {
  const { incident, template } = await requireTemplate(deps.db.prisma, reference, templateId);
  const versions = await listVersionSummaries(deps.db.prisma, template.id);
  const names = await listUserNames(
    deps.db.prisma,
    versions.flatMap((v) => (v.createdById ? [v.createdById] : [])),
  );
  const languages = [...new Set(versions.map((v) => v.language))].map((language) => ({
    language,
    versions: versions
      .filter((v) => v.language === language)
      .map((v) => ({ ...v, savedBy: names.get(v.createdById ?? "") ?? "" })),
  }));
  const latest = await latestVersionIds(deps.db.prisma, template.id);
  const site = publicSiteOf(deps).publicSite;
  const content = Object.keys(latest).length ? await checkVersionsContent(deps.db.prisma, incident.id, latest, site) : null;
  return { incident, template, languages, contentChecks: content?.contentChecks ?? [], contentGaps: content?.contentGaps ?? [] };
}

/**
 * One saved version with its words (its category words beside the catalogue's names), who saved
 * it, and its content check as of today's obligations.
 */
export async function loadVersionPage(deps: Deps, reference: string, templateId: string, versionId: string) {
  const { incident, template } = await requireTemplate(deps.db.prisma, reference, templateId);
  const version = await findVersion(deps.db.prisma, template.id, versionId);
  if (!version) throw new AppError("not_found", `The notice "${template.name}" has no such version.`);
  const content = parseContent(version.sections);
  const latest = await findLatestVersion(deps.db.prisma, template.id, version.language);
  const savedBy = version.createdById
    ? ((await listUserNames(deps.db.prisma, [version.createdById])).get(version.createdById) ?? "")
    : "";
  const [obligations, categories] = await Promise.all([
    listObligationTerms(deps.db.prisma, incident.id),
    loadCategoryFacts(deps.db.prisma, incident.id),
  ]);
  const words = { ...content, subject: version.subject, language: version.language };
  const checks = await contentCheckOf(deps, incident.id, words, { obligations, categories });
  const names = new Map(categories.catalogue.map((c) => [c.id, c.name]));
  const categoryWords = Object.entries(content.categoryWords ?? {}).map(([id, w]) => ({ ...w, english: names.get(id) ?? id }));
  return { incident, template, version, content, categoryWords, savedBy, isLatest: latest?.id === version.id, checks };
}

/** Where the editor's starting words come from when its language has no version yet. */
function startingPoint(
  template: NoticeTemplate,
  language: string,
  base: NoticeTemplateVersion | null,
  fallback: NoticeTemplateVersion | null,
) {
  if (base) return { kind: "latest" as const, version: base };
  if (fallback) return { kind: "copy" as const, version: fallback };
  return { kind: "empty" as const, version: null, language, fallbackLanguage: template.fallbackLanguage };
}

/** A first version's contact details: the organisation's (with the incident's own contact point), to keep or change. */
async function organisationDetails(deps: Deps, incidentId: string) {
  const organisation = await loadOrganisationFor(deps.db.prisma, incidentId);
  return { organisation: organisation.name, contactEmail: organisation.contactEmail, contactPhone: organisation.contactPhone };
}

/** The statements the editor offers to start from, the one asked for (a statement id, or "" for the preferred one). */
async function statementStart(deps: Deps, incidentId: string, asked: string | undefined) {
  const statements = await readIncidentStatements(deps.db.prisma, incidentId);
  const offered = statements.map((s) => s.submitted ?? s.newest);
  const preferred = preferredStatement(statements);
  const chosen: StatementWords | null =
    asked === undefined ? null : asked === "" ? preferred : (offered.find((s) => s.statementId === asked) ?? null);
  if (asked && !chosen) throw new AppError("not_found", "The incident has no such statement to start from.");
  return { offered, preferredId: preferred?.statementId ?? "", chosen };
}

/**
 * The editor for one language: the latest version's words (or, for a language without one, the
 * fallback language's words to translate), the languages the template has, and the content
 * check of the words on the form. After a refusal, `submitted` holds what was sent. With
 * `fromStatement` (a statement id, or "" for the newest submitted), the words start from that
 * statement (notice-statement.policy.ts startFromStatement); nothing is saved until the manager saves.
 */
export async function loadEditor(
  deps: Deps,
  reference: string,
  templateId: string,
  language: string | undefined,
  submitted?: EditorValues,
  fromStatement?: string,
) {
  const { incident, template } = await requireTemplate(deps.db.prisma, reference, templateId);
  const chosen = language ?? template.fallbackLanguage;
  const [latest, base, fallback, obligations, categoryFacts, statements] = await Promise.all([
    latestVersionIds(deps.db.prisma, template.id),
    findLatestVersion(deps.db.prisma, template.id, chosen),
    findLatestVersion(deps.db.prisma, template.id, template.fallbackLanguage),
    listObligationTerms(deps.db.prisma, incident.id),
    loadCategoryFacts(deps.db.prisma, incident.id),
    statementStart(deps, incident.id, submitted ? undefined : fromStatement),
  ]);
  const start = startingPoint(template, chosen, base, fallback);
  let startContent = start.version
    ? parseContent(start.version.sections)
    : { ...parseContent("{}"), headings: defaultHeadings(), details: await organisationDetails(deps, incident.id) };
  // Another language's category words are not this one's: a new language starts from the catalogue's.
  if (start.kind === "copy") startContent.categoryWords = {};
  const categories = incidentCategories(categoryFacts.catalogue, categoryFacts.incidentCategoryIds);
  if (statements.chosen) startContent = startFromStatement(startContent, statements.chosen, categories);
  const values = submitted ?? valuesOfContent(start.version?.subject ?? "", chosen, startContent);
  if (statements.chosen) values.fields.fromStatement = `${statements.chosen.statementId}:${statements.chosen.version}`;
  values.fields.language = submitted?.fields.language ?? chosen;
  // Ticks vouch for the words they were given with, not for a translation started from them.
  if (!submitted && start.kind === "copy") values.checked = [];
  const checks = await contentCheckOf(deps, incident.id, wordsOfValues(values), { obligations, categories: categoryFacts });
  return {
    incident,
    template,
    language: chosen,
    languages: Object.keys(latest).sort(),
    start,
    values,
    checks,
    /** The statements to start from, and the one the words were started from (null: none). */
    statements,
    /** The incident's data categories in notice order, with the catalogue's (English) words. */
    categories: categories.map((c) => ({
      id: c.id,
      name: c.name,
      advice: c.advice,
      nameField: categoryNameField(c.id),
      adviceField: categoryAdviceField(c.id),
    })),
    isEnglish: isEnglish(chosen),
    languageName: languageName(chosen),
    ...editorVocabulary,
  };
}
