/**
 * Loading a notice renderer: what the campaign worker, the preview, the test send and the render
 * check call to turn a pinned template version and a person into a notice (the renderer itself,
 * its contract and its pure work, are in notice-render.policy.ts).
 *
 *   const versionIds = await latestVersionIds(db, templateId);        // pinned when a campaign starts
 *   const renderer = await loadNoticeRenderer(db, incidentId, versionIds); // once per batch or campaign
 *   const version = renderer.versionFor(person.language);              // exact tag, primary subtag, fallback
 *   const notice = renderer.render(recipient, version.id);             // pure: no database, ~100k/s
 *
 * loadNoticeRenderer reads the versions, the incident's reference, the data-category
 * catalogue and the organisation ({{organisation.*}}: the incident's, or the copy a campaign pinned) once and compiles every section (notice-format.policy.ts, notice-render.policy.ts), each
 * version naming the categories in its own words where it gives them (its categoryWords,
 * notice-category-words.policy.ts), the catalogue's otherwise; render()
 * only fills the person's values into the compiled sections and the pre-run EJS layout
 * (views/emails/notice.{html,text}.ejs, notice-layout.policy.ts). Browser-written text is never EJS
 * source: the layout receives it as values. Measured here: about 110,000 renders a second of
 * a seven-section notice on one core.
 *
 * A Person row read with `noticePersonSelect` (notices.repository.ts) becomes a recipient
 * through toNoticeRecipient(); a delivery must render from the person, since the delivery row
 * copies only the address, name and language.
 */

import type { DbOrTx } from "../../db/client.js";
import { loadOrganisationFor, type Organisation, organisationPlaceholderValues } from "../organisation/index.js";
import { parseContent } from "./notice-content.policy.js";
import { createNoticeRenderer, type NoticeRecipient, type NoticeRenderer } from "./notice-render.policy.js";
import {
  findIncidentReference,
  findTemplateById,
  listVersionSummaries,
  listVersionsByIds,
  loadCategoryFacts,
  type NoticePersonRow,
} from "./notices.repository.js";

/** The latest version of each language of a template: what a campaign pins when it starts. */
export async function latestVersionIds(db: DbOrTx, templateId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  // Newest first within each language, so the first seen per language is the latest.
  for (const v of await listVersionSummaries(db, templateId)) out[v.language] ??= v.id;
  return out;
}

/** What a renderer is given beyond the database's facts. */
export interface RendererOptions {
  /** The verification page (PUBLIC_URL/verify), for {{verification.url}}. */
  verifyUrl?: string;
}

/**
 * Loads the pinned versions and the incident's facts once; render() is then pure and fast (no
 * database), about 100k renders/s. versionIds maps a language to a version id (what
 * latestVersionIds returns and a campaign stores); every id must be a version of one template
 * of this incident, or this throws.
 */
export async function loadNoticeRenderer(
  db: DbOrTx,
  incidentId: string,
  versionIds: Record<string, string>,
  organisation?: Organisation,
  options: RendererOptions = {},
): Promise<NoticeRenderer> {
  const ids = [...new Set(Object.values(versionIds))];
  if (ids.length === 0) throw new Error("loadNoticeRenderer: no template version given");
  const [rows, incident, categories, current] = await Promise.all([
    listVersionsByIds(db, incidentId, ids),
    findIncidentReference(db, incidentId),
    loadCategoryFacts(db, incidentId),
    // A started campaign renders with the organisation it pinned; the pages with the incident's current one.
    organisation ?? loadOrganisationFor(db, incidentId),
  ]);
  if (!incident) throw new Error(`loadNoticeRenderer: no incident ${incidentId}`);
  const missing = ids.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw new Error(`loadNoticeRenderer: no version ${missing.join(", ")} of incident ${incident.reference}`);
  const templateIds = new Set(rows.map((r) => r.templateId));
  if (templateIds.size !== 1) throw new Error("loadNoticeRenderer: the versions belong to different templates");
  const template = await findTemplateById(db, rows[0]!.templateId);
  return createNoticeRenderer({
    reference: incident.reference,
    fallbackLanguage: template?.fallbackLanguage ?? "en",
    versions: rows.map((r) => ({ id: r.id, language: r.language, subject: r.subject, content: parseContent(r.sections) })),
    ...categories,
    organisation: organisationPlaceholderValues(current),
    ...(options.verifyUrl ? { verifyUrl: options.verifyUrl } : {}),
  });
}

/** A Person row (noticePersonSelect) as the renderer's recipient; malformed JSON columns read as none. */
export function toNoticeRecipient(person: NoticePersonRow): NoticeRecipient {
  return {
    personId: person.id,
    givenName: person.givenName,
    familyName: person.familyName,
    email: person.email,
    externalId: person.externalId,
    language: person.language,
    country: person.country,
    region: person.region,
    categoryIds: readCategoryIds(person.categoryIds),
    attributes: readAttributes(person.attributes),
  };
}

function readCategoryIds(json: string | null): string[] | null {
  if (json === null) return null;
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : null;
  } catch {
    return null;
  }
}

function readAttributes(json: string): Record<string, string> {
  try {
    const parsed = JSON.parse(json) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
  } catch {
    return {};
  }
}
