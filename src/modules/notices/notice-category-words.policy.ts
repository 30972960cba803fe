/**
 * How a version names the data categories: the catalogue's words (in English) unless the
 * version gives its own (notice-content.policy.ts `categoryWords`), name and advice each on its own.
 * Shared by the renderer (what a notice lists), the editor (what it offers to translate) and
 * the readiness check (which categories a version still names in English). Pure.
 */
import { type Sensitivity, sensitivityRank } from "../data-categories/index.js";
import type { CategoryWords } from "./notice-content.policy.js";
import { cleanLine, escapeHtml } from "./notice-format.policy.js";
import type { NoticeRecipient } from "./notice-render.policy.js";

/** A catalogue row as the notices read it (notices.repository.ts loadCategoryFacts). */
export interface CatalogueFact {
  id: string;
  name: string;
  advice: string;
  sensitivity: string;
  sortOrder: number;
}

/** A category as a notice shows it. */
export interface WordedCategory {
  id: string;
  name: string;
  advice: string;
}

/** The catalogue in the order notices list it: most sensitive first, then its own order, then by name. */
export function sortCatalogue<T extends CatalogueFact>(catalogue: readonly T[]): T[] {
  const rank = (s: string) => sensitivityRank[s as Sensitivity] ?? 0;
  return [...catalogue].sort(
    (a, b) => rank(b.sensitivity) - rank(a.sensitivity) || a.sortOrder - b.sortOrder || a.name.localeCompare(b.name),
  );
}

/** The incident's categories found in the catalogue, in the order notices list them. */
export function incidentCategories<T extends CatalogueFact>(catalogue: readonly T[], incidentCategoryIds: string[]): T[] {
  const ids = new Set(incidentCategoryIds);
  return sortCatalogue(catalogue).filter((c) => ids.has(c.id));
}

/** A category in a version's words: its name and advice where given (one line each), else the catalogue's. */
export function wordCategory(entry: CatalogueFact, words: Record<string, CategoryWords> | undefined): WordedCategory {
  const own = words && Object.hasOwn(words, entry.id) ? words[entry.id] : undefined;
  const name = cleanLine(own?.name ?? "").trim();
  const advice = cleanLine(own?.advice ?? "").trim();
  return {
    id: entry.id,
    name: name || cleanLine(entry.name).trim(),
    advice: advice || entry.advice.trim(),
  };
}

/** A person's categories as shown, worked out once per distinct list. */
export interface ResolvedCategories {
  list: WordedCategory[];
  unknown: string[];
  inline: string;
  htmlList: string;
  textList: string;
}

/** Bounds the per-list caches when nearly every person names a different list of categories. */
const CACHE_LIMIT = 10_000;

/**
 * Sorts category ids as the catalogue lists them (most sensitive first), once per distinct
 * list; then, per version, names them in the version's words or the catalogue's.
 */
export function createCategoryResolver(catalogueFacts: readonly CatalogueFact[], incidentCategoryIds: string[]) {
  const catalogue = sortCatalogue(catalogueFacts);
  const order = new Map(catalogue.map((c, i) => [c.id, i]));
  const byId = new Map(catalogue.map((c) => [c.id, c]));
  const sorted = new Map<string, { ids: string[]; unknown: string[] }>();
  const sortIds = (ids: string[], key: string | undefined) => {
    let entry = key === undefined ? undefined : sorted.get(key);
    if (!entry) {
      const unique = [...new Set(ids)];
      entry = {
        ids: unique.filter((id) => byId.has(id)).sort((a, b) => order.get(a)! - order.get(b)!),
        unknown: unique.filter((id) => !byId.has(id)),
      };
      if (key !== undefined && sorted.size < CACHE_LIMIT) sorted.set(key, entry);
    }
    return entry;
  };
  /** The resolver of one version: its own words where given, the catalogue's otherwise. */
  return (words: Record<string, CategoryWords> | undefined) => {
    const worded = new Map(catalogue.map((c) => [c.id, wordCategory(c, words)]));
    const resolve = (ids: string[], key: string | undefined): ResolvedCategories => {
      const { ids: known, unknown } = sortIds(ids, key);
      const list = known.map((id) => worded.get(id)!);
      const names = list.map((c) => c.name);
      const items = names.map((n) => `<li style="margin:0 0 6px 0">${escapeHtml(n)}</li>\n`).join("");
      return {
        list,
        unknown,
        inline: names.join(", "),
        htmlList: names.length ? `<ul style="margin:0 0 16px 0;padding:0 0 0 24px">\n${items}</ul>\n` : "",
        textList: names.map((n) => `- ${n}`).join("\n"),
      };
    };
    const ofIncident = resolve(incidentCategoryIds, undefined);
    const cache = new Map<string, ResolvedCategories>();
    return (r: NoticeRecipient): ResolvedCategories => {
      if (r.categoryIds === null) return ofIncident;
      const key = r.categoryIds.join("\u0001");
      let resolved = cache.get(key);
      if (!resolved) {
        resolved = resolve(r.categoryIds, key);
        if (cache.size < CACHE_LIMIT) cache.set(key, resolved);
      }
      return resolved;
    };
  };
}

/** English (en, en-AU...): the catalogue's words are already this language's. */
export function isEnglish(language: string): boolean {
  return language.trim().toLowerCase().split(/[-_]/)[0] === "en";
}

/** The English name of a tag's language ("fr-CA": French), or the tag when unknown. */
export function languageName(language: string): string {
  const primary = language.trim().split(/[-_]/)[0] ?? "";
  try {
    const name = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" }).of(primary);
    return name && name.toLowerCase() !== primary.toLowerCase() ? name : language;
  } catch {
    return language;
  }
}

/** A category a version still names in English: its name and advice, or its advice only. */
export interface EnglishCategory {
  id: string;
  /** The catalogue's name. */
  name: string;
  isAdviceOnly: boolean;
}

/**
 * The incident's categories whose name or advice a version in another language than English
 * still takes from the catalogue, in notice order; none for an English version.
 */
export function categoriesInEnglish(
  language: string,
  categories: readonly CatalogueFact[],
  words: Record<string, CategoryWords> | undefined,
): EnglishCategory[] {
  if (isEnglish(language)) return [];
  return categories.flatMap((c) => {
    const own = words && Object.hasOwn(words, c.id) ? words[c.id] : undefined;
    const hasName = (own?.name ?? "").trim() !== "";
    const hasAdvice = (own?.advice ?? "").trim() !== "" || c.advice.trim() === "";
    if (hasName && hasAdvice) return [];
    return [{ id: c.id, name: cleanLine(c.name).trim(), isAdviceOnly: hasName }];
  });
}

/**
 * The readiness warning for a version that names categories in English, e.g. "The fr version
 * names 3 data categories in English: Password hashes, ...; give their French wording in the
 * editor."; "" when there is none.
 */
export function categoryWordsWarning(language: string, english: EnglishCategory[]): string {
  if (english.length === 0) return "";
  const one = english.length === 1;
  const named = english.map((c) => (c.isAdviceOnly ? `${c.name} (its advice)` : c.name)).join(", ");
  return (
    `The ${language} version names ${english.length} data ${one ? "category" : "categories"} in English: ${named}; ` +
    `give ${one ? "its" : "their"} ${languageName(language)} wording in the editor.`
  );
}
