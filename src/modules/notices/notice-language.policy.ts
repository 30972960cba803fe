/**
 * Which version of a template a person gets, and which way its text runs. Pure: the renderer
 * (notice-render.policy.ts) builds one chooser per loaded template.
 */

const RTL_LANGUAGES = new Set(["ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb"]);
/** Bounds the chooser's cache when nearly every person gives a different language tag. */
const CACHE_LIMIT = 10_000;

/** The writing direction of a BCP 47 tag's language, by its primary subtag. */
export function writingDirection(language: string): "ltr" | "rtl" {
  return RTL_LANGUAGES.has(language.split("-")[0]!.toLowerCase()) ? "rtl" : "ltr";
}

/** Picks versions by language: exact tag, primary subtag, fallback language, then the first. */
export function createLanguageChooser<V extends { id: string; language: string }>(versions: V[], fallbackLanguage: string) {
  const sorted = [...versions].sort((a, b) => a.language.localeCompare(b.language));
  const exact = new Map<string, V>();
  const byPrimary = new Map<string, V>();
  for (const v of sorted) exact.set(v.language.toLowerCase(), v);
  for (const v of sorted) {
    const primary = v.language.toLowerCase().split("-")[0]!;
    // A version tagged with just the primary subtag ("fr") beats a regional one ("fr-FR").
    if (!byPrimary.has(primary) || v.language.toLowerCase() === primary) byPrimary.set(primary, v);
  }
  const lookup = (tag: string) => exact.get(tag) ?? byPrimary.get(tag.split("-")[0]!);
  const fallback = lookup(fallbackLanguage.trim().toLowerCase()) ?? sorted[0]!;
  const cache = new Map<string, { id: string; language: string }>();
  return (language: string | null) => {
    const tag = (language ?? "").trim().toLowerCase().replace(/_/g, "-");
    let chosen = cache.get(tag);
    if (!chosen) {
      const v = (tag && lookup(tag)) || fallback;
      chosen = { id: v.id, language: v.language };
      if (cache.size < CACHE_LIMIT) cache.set(tag, chosen);
    }
    return chosen;
  };
}
