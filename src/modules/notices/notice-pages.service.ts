/**
 * What the notice pages show: the template page with its versions, a version, and the editor
 * with its content check. Reads only; saving is in notices.service.ts.
 */
import type { Deps } from "../../deps.js";
import type { NoticeTemplate } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { checkNoticeContent, type ObligationForCheck, type RegimeContentCheck } from "./content-check.js";
import {
  defaultHeadings,
  type NoticeContent,
  type NoticeWords,
  parseContent,
  placeholders,
  sectionHints,
  sectionKeys,
  sectionLabels,
} from "./notice-content.js";
import { checkVersionsContent } from "./notice-readiness.js";
import { latestVersionIds } from "./notice-renderer.js";
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
  return { fields, checked: content.checkedItems };
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

async function contentCheckOf(deps: Deps, incidentId: string, words: NoticeWords, obligations?: ObligationForCheck[]) {
  const [terms, categories] = await Promise.all([
    obligations ? Promise.resolve(obligations) : listObligationTerms(deps.db.prisma, incidentId),
    loadCategoryFacts(deps.db.prisma, incidentId),
  ]);
  return checkNoticeContent(words, terms, { incidentCategoryCount: categories.incidentCategoryIds.length });
}

/** Counts of a content check, for summaries. */
export function summarizeChecks(checks: RegimeContentCheck[]) {
  const items = checks.flatMap((c) => c.items);
  return { regimes: checks.length, items: items.length, missing: items.filter((i) => !i.isMet).length };
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
  const content = Object.keys(latest).length ? await checkVersionsContent(deps.db.prisma, incident.id, latest) : null;
  return { incident, template, languages, contentChecks: content?.contentChecks ?? [], contentGaps: content?.contentGaps ?? [] };
}

/** One saved version with its words, who saved it, and its content check as of today's obligations. */
export async function loadVersionPage(deps: Deps, reference: string, templateId: string, versionId: string) {
  const { incident, template } = await requireTemplate(deps.db.prisma, reference, templateId);
  const version = await findVersion(deps.db.prisma, template.id, versionId);
  if (!version) throw new AppError("not_found", `The notice "${template.name}" has no such version.`);
  const content = parseContent(version.sections);
  const latest = await findLatestVersion(deps.db.prisma, template.id, version.language);
  const savedBy = version.createdById
    ? ((await listUserNames(deps.db.prisma, [version.createdById])).get(version.createdById) ?? "")
    : "";
  const checks = await contentCheckOf(deps, incident.id, { ...content, subject: version.subject, language: version.language });
  return { incident, template, version, content, savedBy, isLatest: latest?.id === version.id, checks };
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

/**
 * The editor for one language: the latest version's words (or, for a language without one, the
 * fallback language's words to translate), the languages the template has, and the content
 * check of the words on the form. After a refusal, `submitted` holds what was sent.
 */
export async function loadEditor(
  deps: Deps,
  reference: string,
  templateId: string,
  language: string | undefined,
  submitted?: EditorValues,
) {
  const { incident, template } = await requireTemplate(deps.db.prisma, reference, templateId);
  const chosen = language ?? template.fallbackLanguage;
  const [latest, base, fallback, obligations] = await Promise.all([
    latestVersionIds(deps.db.prisma, template.id),
    findLatestVersion(deps.db.prisma, template.id, chosen),
    findLatestVersion(deps.db.prisma, template.id, template.fallbackLanguage),
    listObligationTerms(deps.db.prisma, incident.id),
  ]);
  const start = startingPoint(template, chosen, base, fallback);
  const values =
    submitted ??
    (start.version
      ? valuesOfContent(start.version.subject, chosen, parseContent(start.version.sections))
      : valuesOfContent("", chosen, { ...parseContent("{}"), headings: defaultHeadings() }));
  values.fields.language = submitted?.fields.language ?? chosen;
  // Ticks vouch for the words they were given with, not for a translation started from them.
  if (!submitted && start.kind === "copy") values.checked = [];
  const checks = await contentCheckOf(deps, incident.id, wordsOfValues(values), obligations);
  return {
    incident,
    template,
    language: chosen,
    languages: Object.keys(latest).sort(),
    start,
    values,
    checks,
    ...editorVocabulary,
  };
}
