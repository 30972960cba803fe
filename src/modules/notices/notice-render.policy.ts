/**
 * THE RENDERER CONTRACT (NoticeRecipient, RenderedNotice, NoticeRenderer) and its one
 * implementation. Builds a NoticeRenderer from loaded facts (notice-render.service.ts loads them): compiles each
 * version's words once (notice-format.policy.ts), resolves each distinct list of data categories once
 * per version (named in the version's words, else the catalogue's: notice-category-words.policy.ts),
 * runs the EJS layout once per version and list of categories (notice-layout.policy.ts), and leaves
 * render() only the person's values to fill in. Pure: no database, no clock.
 */

import type { OrganisationPlaceholder } from "../organisation/index.js";
import { type CatalogueFact, createCategoryResolver, type ResolvedCategories } from "./notice-category-words.policy.js";
import { type NoticeContent, placeholderKey, type SectionKey, sectionKeys } from "./notice-content.policy.js";
import {
  cleanLine,
  compileHtml,
  compileLine,
  compileText,
  escapeHtml,
  type Piece,
  type Slot,
  slotsOf,
} from "./notice-format.policy.js";
import { createLanguageChooser, writingDirection } from "./notice-language.policy.js";
import { joinShape, type LayoutShape, renderLayoutShape } from "./notice-layout.policy.js";
import { missingValueProblem, placeholderValue, type VersionContact } from "./notice-placeholder-values.policy.js";

/** The person a notice is for: a Person row's columns, with its JSON columns read. */
export interface NoticeRecipient {
  personId: string;
  givenName: string;
  familyName: string;
  email: string | null;
  externalId: string | null;
  /** BCP 47 tag, e.g. fr-CA; null when unknown (the template's fallback language is used). */
  language: string | null;
  country: string | null;
  region: string | null;
  /** The person's data categories; null means all of the incident's. */
  categoryIds: string[] | null;
  /** The person's free (imported) columns, for {{attribute:NAME}}. */
  attributes: Record<string, string>;
  /**
   * Their notice's verification code as stored (12 characters), for {{verification.code}}: the
   * delivery's, given at fan-out; absent before (a preview, the render check, a letter).
   */
  verificationCode?: string | null;
}

/** One person's notice. */
export interface RenderedNotice {
  /** Placeholders filled, one line (no line breaks). */
  subject: string;
  /** A complete HTML document with inline styles, no script, no remote resource. */
  html: string;
  /** The plain-text part, complete on its own. */
  text: string;
  /** why this person's notice would be broken (empty when fine) */
  problems: string[];
}

export interface NoticeRenderer {
  /**
   * The version a person with this language gets: the version of exactly that tag (case
   * ignored), else of its primary subtag (fr-CA: fr, then any fr-*), else of the template's
   * fallback language, else the first loaded language in alphabetical order.
   */
  versionFor(language: string | null): { id: string; language: string };
  /** Renders one person's notice with a loaded version; pure and fast. Throws for a version not loaded. */
  render(recipient: NoticeRecipient, versionId: string): RenderedNotice;
  /** Only the problems render() would report, without building the notice: for the render check. */
  problemsOf(recipient: NoticeRecipient, versionId: string): string[];
}

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
  /** The {{organisation.*}} values (modules/organisation); none given: every one is empty. */
  organisation?: Readonly<Partial<Record<OrganisationPlaceholder, string>>>;
  /** The verification page, PUBLIC_URL/verify, for {{verification.url}}; none given: empty. */
  verifyUrl?: string;
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
  contact: VersionContact;
  /** The distinct placeholders used anywhere in the version, checked for each person. */
  slots: Slot[];
  /** The layout cut at its markers, per resolved list of categories. */
  shapes: Map<ResolvedCategories, { shape: LayoutShape; shown: CompiledSection[] }>;
  /** A person's categories named in this version's words (the catalogue's where it gives none). */
  categoriesOf: (r: NoticeRecipient) => ResolvedCategories;
}

/** Bounds the per-list caches when nearly every person names a different list of categories. */
const CACHE_LIMIT = 10_000;

function compileVersion(
  version: RendererVersion,
  categoriesOf: (r: NoticeRecipient) => ResolvedCategories,
  organisation: RendererFacts["organisation"] = {},
  verifyUrl = "",
): CompiledVersion {
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
    dir: writingDirection(version.language),
    subject,
    sections,
    contact: {
      organisation: cleanLine(content.details.organisation).trim(),
      email: cleanLine(content.details.contactEmail).trim(),
      phone,
      phoneHref: phone.replace(/[^0-9+]/g, ""),
      profile: organisation,
      verifyUrl: cleanLine(verifyUrl).trim(),
    },
    slots: [...seen.values()],
    shapes: new Map(),
    categoriesOf,
  };
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
      const value = placeholderValue(piece, r, version.contact, reference, categories.inline);
      out += piece.mode === "html" ? escapeHtml(value) : piece.mode === "href" ? encodeURIComponent(value) : value;
    }
  }
  return out;
}

/** The layout of a version for a list of categories, run once and kept (see notice-layout.policy.ts). */
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
  const versions = new Map(
    facts.versions.map((v) => [
      v.id,
      compileVersion(v, resolverFor(v.content.categoryWords), facts.organisation, facts.verifyUrl),
    ]),
  );
  const versionFor = createLanguageChooser([...versions.values()], facts.fallbackLanguage);

  const requireVersion = (versionId: string) => {
    const version = versions.get(versionId);
    if (!version) throw new Error(`NoticeRenderer: version ${versionId} is not loaded`);
    return version;
  };

  const problemsWith = (r: NoticeRecipient, version: CompiledVersion, categories: ResolvedCategories): string[] => {
    const problems: string[] = [];
    for (const slot of version.slots) {
      // A notice's code is given when its campaign starts: before that (the render check) it has none yet.
      if (slot.ref.name === "categories" || slot.ref.name.startsWith("verification.")) continue;
      if (placeholderValue(slot, r, version.contact, facts.reference, "") === "") {
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
