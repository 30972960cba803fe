import { createHash } from "node:crypto";
import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { type Actor, withAudit } from "../audit/index.js";
import { isUniqueViolation } from "../data-categories/index.js";
import { loadIncident } from "../incidents/index.js";
import { listIncidentAttributeNames } from "../people/index.js";
import {
  type CategoryWords,
  defaultHeadings,
  givenCategoryWords,
  type NoticeContent,
  parseContent,
  sectionKeys,
  serializeContent,
} from "./notice-content.policy.js";
import { byHandKeys } from "./notice-content-check.policy.js";
import { readIncidentStatements } from "./notice-statement.service.js";
import { unknownAttributeWarnings, validateCategoryWords, validateNoticeWords } from "./notice-validation.policy.js";
import {
  countVersionsByTemplate,
  findLatestVersion,
  findTemplate,
  insertTemplate,
  insertVersion,
  listObligationTerms,
  listTemplatesOfIncident,
  loadCategoryFacts,
  type NoticeTemplate,
  type NoticeTemplateVersion,
  updateTemplate,
} from "./notices.repository.js";
import type { TemplateInput, VersionInput } from "./notices.schemas.js";

/** The incident and one of its templates, or a not_found error. */
export async function requireTemplate(db: DbOrTx, reference: string, templateId: string) {
  const incident = await loadIncident(db, reference);
  const template = await findTemplate(db, incident.id, templateId);
  if (!template) throw new AppError("not_found", `${incident.reference} has no such notice template.`);
  return { incident, template };
}

/** An incident's templates, each with its number of versions and its languages. */
export async function listTemplates(deps: Deps, incident: Incident) {
  const templates = await listTemplatesOfIncident(deps.db.prisma, incident.id);
  const counts = await countVersionsByTemplate(
    deps.db.prisma,
    templates.map((t) => t.id),
  );
  return templates.map((t) => {
    const c = counts.get(t.id);
    return { ...t, versionCount: c?.versions ?? 0, languages: (c?.languages ?? []).sort() };
  });
}

const templateAudit = (incident: Incident, t: NoticeTemplate) => ({
  incident: incident.reference,
  name: t.name,
  fallbackLanguage: t.fallbackLanguage,
});

/** Creates a template (no words yet: its first version is saved from the editor). */
export async function createTemplate(deps: Deps, reference: string, input: TemplateInput, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const incident = await loadIncident(tx, reference);
    const now = deps.clock.now();
    const template = await insertTemplate(tx, {
      id: newId(),
      incidentId: incident.id,
      name: input.name,
      fallbackLanguage: input.fallbackLanguage,
      createdById: actor.userId,
      createdAt: now,
      updatedAt: now,
    });
    return {
      result: { incident, template },
      audit: {
        action: "notice_template.create",
        entityType: "notice_template",
        entityId: template.id,
        incidentId: incident.id,
        after: templateAudit(incident, template),
      },
    };
  });
}

/** Renames a template or changes its fallback language (audited before and after). */
export async function changeTemplate(deps: Deps, reference: string, templateId: string, input: TemplateInput, actor: Actor) {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const { incident, template } = await requireTemplate(tx, reference, templateId);
    const updated = await updateTemplate(tx, template.id, {
      name: input.name,
      fallbackLanguage: input.fallbackLanguage,
      updatedAt: deps.clock.now(),
    });
    return {
      result: { incident, template: updated },
      audit: {
        action: "notice_template.update",
        entityType: "notice_template",
        entityId: template.id,
        incidentId: incident.id,
        before: templateAudit(incident, template),
        after: templateAudit(incident, updated),
      },
    };
  });
}

/** The words of the editor's form as a version's content (ticks not yet filtered). */
export function contentFromInput(input: VersionInput): NoticeContent {
  const sections = {} as NoticeContent["sections"];
  const headings = defaultHeadings();
  for (const key of sectionKeys) {
    sections[key] = (input[`section_${key}`] ?? "").replace(/\r\n?/g, "\n").replace(/\s+$/, "");
    const heading = input[`heading_${key}`] ?? "";
    if (heading !== "") headings[key] = heading;
  }
  return {
    sections,
    headings,
    details: { organisation: input.organisation, contactEmail: input.contactEmail, contactPhone: input.contactPhone },
    checkedItems: [...new Set(input.checked)],
    categoryWords: input.categoryWords ?? {},
  };
}

/**
 * The category words a new version keeps: those the form gave for the incident's categories
 * (the ones it shows), and the latest version's words for any other category (one the
 * incident no longer records), so no saved words are lost by a save that could not show them.
 * Input without category words (not from the editor) keeps the latest version's.
 */
function keptCategoryWords(
  submitted: Record<string, CategoryWords> | undefined,
  incidentCategoryIds: string[],
  latest: Record<string, CategoryWords> | undefined,
): Record<string, CategoryWords> {
  if (submitted === undefined) return givenCategoryWords(latest);
  const shown = new Set(incidentCategoryIds);
  const kept: Record<string, CategoryWords> = {};
  for (const [id, words] of Object.entries(latest ?? {})) if (!shown.has(id)) kept[id] = words;
  for (const [id, words] of Object.entries(submitted)) if (shown.has(id)) kept[id] = words;
  return givenCategoryWords(kept);
}

/** The statement a version was started from, as the audit names it: its rule and version (null when none or unknown). */
async function startedFrom(db: DbOrTx, incidentId: string, fromStatement: string | undefined) {
  if (!fromStatement) return null;
  const [statementId, version] = fromStatement.split(":");
  const statements = await readIncidentStatements(db, incidentId);
  const found = statements.find((s) => s.newest.statementId === statementId);
  return found ? { statementId, ruleId: found.newest.ruleId, version: Number(version) } : null;
}

export interface SavedVersion {
  incident: Incident;
  template: NoticeTemplate;
  version: NoticeTemplateVersion;
  /** True when the words equal the latest version's: nothing was saved. */
  isUnchanged: boolean;
  /** What was saved but will not work as written: {{attribute:NAME}} naming a column the people do not have. */
  warnings: string[];
}

/**
 * Saves the editor's words as the next version of the template in their language (1, 2, 3...),
 * after refusing unknown or unfinished placeholders with a message naming each, and category
 * words over their limits with a message naming the category. Ticks of
 * "check by hand" items are kept only for items of regimes that apply. Words equal to the latest
 * version's save nothing. Audited with a digest of the words (the version row keeps them).
 */
export async function saveVersion(
  deps: Deps,
  reference: string,
  templateId: string,
  input: VersionInput,
  actor: Actor,
): Promise<SavedVersion> {
  const { incident, template } = await requireTemplate(deps.db.prisma, reference, templateId);
  const [obligations, categories, latest, attributeNames, fromStatement] = await Promise.all([
    listObligationTerms(deps.db.prisma, incident.id),
    loadCategoryFacts(deps.db.prisma, incident.id),
    findLatestVersion(deps.db.prisma, template.id, input.language),
    listIncidentAttributeNames(deps, incident.id),
    startedFrom(deps.db.prisma, incident.id, input.fromStatement),
  ]);
  const content = contentFromInput(input);
  content.categoryWords = keptCategoryWords(
    input.categoryWords,
    categories.incidentCategoryIds,
    latest ? parseContent(latest.sections).categoryWords : undefined,
  );
  const catalogueNames = new Map(categories.catalogue.map((c) => [c.id, c.name]));
  const fieldErrors = {
    ...validateNoticeWords(input.subject, content),
    ...validateCategoryWords(content.categoryWords, catalogueNames),
  };
  if (Object.keys(fieldErrors).length) throw new AppError("validation", "Some fields need correcting.", fieldErrors);

  const allowed = byHandKeys(obligations);
  content.checkedItems = content.checkedItems.filter((key) => allowed.has(key));
  const sections = serializeContent(content);
  const warnings = unknownAttributeWarnings(input.subject, content, attributeNames);
  if (latest && latest.subject === input.subject && latest.sections === sections) {
    return { incident, template, version: latest, isUnchanged: true, warnings };
  }
  try {
    return await withAudit(deps.db, actor, deps.clock, async (tx) => {
      const last = await findLatestVersion(tx, template.id, input.language);
      const now = deps.clock.now();
      const version = await insertVersion(tx, {
        id: newId(),
        templateId: template.id,
        incidentId: incident.id,
        language: input.language,
        version: (last?.version ?? 0) + 1,
        subject: input.subject,
        sections,
        createdById: actor.userId,
        createdAt: now,
      });
      const saved = await updateTemplate(tx, template.id, {
        name: template.name,
        fallbackLanguage: template.fallbackLanguage,
        updatedAt: now,
      });
      return {
        result: { incident, template: saved, version, isUnchanged: false, warnings },
        audit: {
          action: "notice_template_version.create",
          entityType: "notice_template_version",
          entityId: version.id,
          incidentId: incident.id,
          after: {
            incident: incident.reference,
            template: template.name,
            templateId: template.id,
            language: version.language,
            version: version.version,
            subject: version.subject,
            sectionsSha256: createHash("sha256").update(sections).digest("hex"),
            ...(fromStatement ? { fromStatement } : {}),
          },
        },
      };
    });
  } catch (error) {
    // Two managers saving the same language at once: the unique (template, language, version) refuses the second.
    if (isUniqueViolation(error)) {
      throw new AppError(
        "conflict",
        "Someone saved this language at the same moment. Your words are below: save again to make them the next version.",
      );
    }
    throw error;
  }
}
