/**
 * Builds a NoticeRenderer from loaded facts (notice-renderer.ts loads them): compiles each
 * version's words once (notice-format.ts), resolves each distinct list of data categories once
 * per version (named in the version's words, else the catalogue's: notice-category-words.ts),
 * runs the EJS layout once per version and list of categories (notice-layout.ts), and leaves
 * render() only the person's values to fill in. Pure: no database, no clock.
 */
import { type CatalogueFact, createCategoryResolver, type ResolvedCategories } from "./notice-category-words.js";
import { type NoticeContent, placeholderKey, type SectionKey, sectionKeys } from "./notice-content.js";
import { cleanLine, compileHtml, compileLine, compileText, escapeHtml, type Piece, type Slot, slotsOf } from "./notice-format.js";
import { joinShape, type LayoutShape, renderLayoutShape } from "./notice-layout.js";
import type { NoticeRecipient, NoticeRenderer } from "./notice-renderer.js";

/** A version's words as the renderer needs them. */
export interface RendererVersion {
  id: string;
  language: string;
  subject: string;
  content: NoticeContent;
}

/** What a renderer is built from: loaded once by loadNoticeRenderer, or given directly in unit tests. */
export interface RendererFacts {
  reference: string;
  fallbackLanguage: string;
  versions: RendererVersion[];
  /** The whole catalogue: a person may name a category the incident does not record. */
  catalogue: CatalogueFact[];
  incidentCategoryIds: string[];
}

interface CompiledSection {
  key: SectionKey;
  heading: string;
  rule: string;
  html: Piece[];
  text: Piece[];
}

interface CompiledVersion {
  id: string;
  language: string;
  dir: "ltr" | "rtl";
  subject: Piece[];
  sections: CompiledSection[];
  contact: { organisation: string; email: string; phone: string; phoneHref: string };
  /** The distinct placeholders used anywhere in the version, checked for each person. */
  slots: Slot[];
  /** The layout cut at its markers, per resolved list of categories. */
  shapes: Map<ResolvedCategories, { shape: LayoutShape; shown: CompiledSection[] }>;
  /** A person's categories named in this version's words (the catalogue's where it gives none). */
  categoriesOf: (r: NoticeRecipient) => ResolvedCategories;
}

const RTL_LANGUAGES = new Set(["ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb"]);
/** Bounds the per-list caches when nearly every person names a different list of categories. */
const CACHE_LIMIT = 10_000;

function compileVersion(version: RendererVersion, categoriesOf: (r: NoticeRecipient) => ResolvedCategories): CompiledVersion {
  const { content } = version;
  const sections = sectionKeys.map((key) => {
    const heading = cleanLine(content.headings[key]).trim();
    return {
      key,
      heading,
      rule: "-".repeat(Math.min(60, Math.max(3, heading.length))),
      html: compileHtml(content.sections[key]),
      text: compileText(content.sections[key]),
    };
  });
  const subject = compileLine(version.subject);
  const seen = new Map<string, Slot>();
  for (const pieces of [subject, ...sections.map((s) => s.text)]) {
    for (const slot of slotsOf(pieces)) seen.set(placeholderKey(slot.ref), slot);
  }
  const phone = cleanLine(content.details.contactPhone).trim();
  return {
    id: version.id,
    language: version.language,
    dir: RTL_LANGUAGES.has(version.language.split("-")[0]!.toLowerCase()) ? "rtl" : "ltr",
    subject,
    sections,
    contact: {
      organisation: cleanLine(content.details.organisation).trim(),
      email: cleanLine(content.details.contactEmail).trim(),
      phone,
      phoneHref: phone.replace(/[^0-9+]/g, ""),
    },
    slots: [...seen.values()],
    shapes: new Map(),
    categoriesOf,
  };
}

/** Picks versions by language: exact tag, primary subtag, fallback language, then the first. */
function createLanguageChooser(versions: CompiledVersion[], fallbackLanguage: string) {
  const sorted = [...versions].sort((a, b) => a.language.localeCompare(b.language));
  const exact = new Map<string, CompiledVersion>();
  const byPrimary = new Map<string, CompiledVersion>();
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

/** An attribute as text: callers may hand over parsed JSON, whose values are not always strings. */
function attributeText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** An attribute by its exact name, else by its name ignoring case and surrounding spaces. */
function attributeValue(attributes: Record<string, string>, name: string): string {
  if (Object.hasOwn(attributes, name)) return attributeText(attributes[name]);
  const wanted = name.trim().toLowerCase();
  for (const [key, value] of Object.entries(attributes)) if (key.trim().toLowerCase() === wanted) return attributeText(value);
  return "";
}

/** The value of a placeholder for a person, one line; empty when the person has none. */
function placeholderValue(
  slot: Slot,
  r: NoticeRecipient,
  version: CompiledVersion,
  reference: string,
  categories: string,
): string {
  switch (slot.ref.name) {
    case "first_name":
      return cleanLine(r.givenName).trim();
    case "last_name":
      return cleanLine(r.familyName).trim();
    case "full_name":
      return cleanLine(`${r.givenName.trim()} ${r.familyName.trim()}`).trim();
    case "email":
      return cleanLine(r.email ?? "").trim();
    case "external_id":
      return cleanLine(r.externalId ?? "").trim();
    case "incident_reference":
      return reference;
    case "categories":
      return categories;
    case "organisation":
      return version.contact.organisation;
    case "contact_email":
      return version.contact.email;
    case "contact_phone":
      return version.contact.phone;
    case "attribute":
      return cleanLine(attributeValue(r.attributes, slot.ref.attribute ?? "")).trim();
  }
}

/** What is missing when a placeholder has no value: the words the render check counts by. */
function missingValueProblem(slot: Slot): string {
  const written = placeholderKey(slot.ref);
  switch (slot.ref.name) {
    case "first_name":
      return `no first name for ${written}`;
    case "last_name":
      return `no last name for ${written}`;
    case "full_name":
      return `no name for ${written}`;
    case "email":
      return `no e-mail address for ${written}`;
    case "external_id":
      return `no external id for ${written}`;
    case "attribute":
      return `no "${slot.ref.attribute}" value for ${written}`;
    default:
      return `the version has no value for ${written}`;
  }
}

/** A compiled text with this person's values in its slots. */
function fillPieces(
  pieces: Piece[],
  r: NoticeRecipient,
  version: CompiledVersion,
  reference: string,
  categories: ResolvedCategories,
): string {
  let out = "";
  for (const piece of pieces) {
    if (typeof piece === "string") out += piece;
    else if (piece.mode === "htmlList") out += categories.htmlList;
    else if (piece.mode === "textList") out += categories.textList;
    else {
      const value = placeholderValue(piece, r, version, reference, categories.inline);
      out += piece.mode === "html" ? escapeHtml(value) : piece.mode === "href" ? encodeURIComponent(value) : value;
    }
  }
  return out;
}

/** The layout of a version for a list of categories, run once and kept (see notice-layout.ts). */
function shapeOf(version: CompiledVersion, categories: ResolvedCategories, reference: string) {
  const cached = version.shapes.get(categories);
  if (cached) return cached;
  const hasContact = Boolean(version.contact.organisation || version.contact.email || version.contact.phone);
  const shown = version.sections.filter(
    (s) =>
      s.html.length > 0 || (s.key === "whoWeAre" && hasContact) || (s.key === "whatInformation" && categories.list.length > 0),
  );
  const shape = renderLayoutShape(
    {
      language: version.language,
      dir: version.dir,
      sections: shown.map((s) => ({ key: s.key, heading: s.heading, rule: s.rule, html: "", text: "" })),
      contact: version.contact,
      categories: categories.list,
      reference,
    },
    shown.map((s) => s.html.length > 0),
  );
  const entry = { shape, shown };
  if (version.shapes.size < CACHE_LIMIT) version.shapes.set(categories, entry);
  return entry;
}

/** Builds a renderer from loaded facts: everything per version and per category list is prepared here or on first use. */
export function createNoticeRenderer(facts: RendererFacts): NoticeRenderer {
  if (facts.versions.length === 0) throw new Error("createNoticeRenderer: no template version given");
  const resolverFor = createCategoryResolver(facts.catalogue, facts.incidentCategoryIds);
  const versions = new Map(facts.versions.map((v) => [v.id, compileVersion(v, resolverFor(v.content.categoryWords))]));
  const versionFor = createLanguageChooser([...versions.values()], facts.fallbackLanguage);

  const requireVersion = (versionId: string) => {
    const version = versions.get(versionId);
    if (!version) throw new Error(`NoticeRenderer: version ${versionId} is not loaded`);
    return version;
  };

  const problemsWith = (r: NoticeRecipient, version: CompiledVersion, categories: ResolvedCategories): string[] => {
    const problems: string[] = [];
    for (const slot of version.slots) {
      if (slot.ref.name !== "categories" && placeholderValue(slot, r, version, facts.reference, "") === "") {
        problems.push(missingValueProblem(slot));
      }
    }
    for (const id of categories.unknown) problems.push(`unknown data category "${id}"`);
    if (categories.list.length === 0) problems.push("no data categories");
    return problems;
  };

  return {
    versionFor,

    problemsOf(recipient, versionId) {
      const version = requireVersion(versionId);
      return problemsWith(recipient, version, version.categoriesOf(recipient));
    },

    render(recipient, versionId) {
      const version = requireVersion(versionId);
      const categories = version.categoriesOf(recipient);
      const { shape, shown } = shapeOf(version, categories, facts.reference);
      const subject = fillPieces(version.subject, recipient, version, facts.reference, categories).trim();
      const htmlParts: string[] = [];
      const textParts: string[] = [];
      for (const s of shown) {
        htmlParts.push(fillPieces(s.html, recipient, version, facts.reference, categories));
        textParts.push(fillPieces(s.text, recipient, version, facts.reference, categories));
      }
      return {
        subject,
        html: joinShape(shape.html, escapeHtml(subject), htmlParts),
        text: joinShape(shape.text, subject, textParts),
        problems: problemsWith(recipient, version, categories),
      };
    },
  };
}
