import type { DbOrTx } from "../../db/client.js";
import type { NoticeTemplate, NoticeTemplateVersion, Prisma } from "../../generated/sqlite/client.js";

export type { NoticeTemplate, NoticeTemplateVersion };

/** An incident's templates, newest first. */
export function listTemplatesOfIncident(db: DbOrTx, incidentId: string) {
  return db.noticeTemplate.findMany({ where: { incidentId }, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
}

/** A template of the given incident, or null (a template of another incident is not found). */
export function findTemplate(db: DbOrTx, incidentId: string, id: string) {
  return db.noticeTemplate.findFirst({ where: { id, incidentId } });
}

/** A template by id alone, or null. */
export function findTemplateById(db: DbOrTx, id: string) {
  return db.noticeTemplate.findUnique({ where: { id } });
}

export function insertTemplate(db: DbOrTx, data: NoticeTemplate) {
  return db.noticeTemplate.create({ data });
}

export function updateTemplate(db: DbOrTx, id: string, data: Pick<NoticeTemplate, "name" | "fallbackLanguage" | "updatedAt">) {
  return db.noticeTemplate.update({ where: { id }, data });
}

/** Every version of a template without its words, for lists: language, then newest first. */
export function listVersionSummaries(db: DbOrTx, templateId: string) {
  return db.noticeTemplateVersion.findMany({
    where: { templateId },
    select: { id: true, language: true, version: true, subject: true, createdAt: true, createdById: true },
    orderBy: [{ language: "asc" }, { version: "desc" }],
  });
}

/** How many versions each of these templates has, and in how many languages. */
export async function countVersionsByTemplate(db: DbOrTx, templateIds: string[]) {
  if (templateIds.length === 0) return new Map<string, { versions: number; languages: string[] }>();
  const groups = await db.noticeTemplateVersion.groupBy({
    by: ["templateId", "language"],
    where: { templateId: { in: templateIds } },
    _count: { _all: true },
  });
  const out = new Map<string, { versions: number; languages: string[] }>();
  for (const g of groups) {
    const entry = out.get(g.templateId) ?? { versions: 0, languages: [] };
    entry.versions += g._count._all;
    entry.languages.push(g.language);
    out.set(g.templateId, entry);
  }
  return out;
}

/** A version of a template, or null. */
export function findVersion(db: DbOrTx, templateId: string, id: string) {
  return db.noticeTemplateVersion.findFirst({ where: { id, templateId } });
}

/** The newest version of a template in a language, or null. */
export function findLatestVersion(db: DbOrTx, templateId: string, language: string) {
  return db.noticeTemplateVersion.findFirst({ where: { templateId, language }, orderBy: { version: "desc" } });
}

/** The versions with these ids that belong to the incident. */
export function listVersionsByIds(db: DbOrTx, incidentId: string, ids: string[]) {
  return db.noticeTemplateVersion.findMany({ where: { id: { in: ids }, incidentId } });
}

export function insertVersion(db: DbOrTx, data: NoticeTemplateVersion) {
  return db.noticeTemplateVersion.create({ data });
}

/** The incident's reference, or null. */
export function findIncidentReference(db: DbOrTx, incidentId: string) {
  return db.incident.findUnique({ where: { id: incidentId }, select: { id: true, reference: true } });
}

/** The whole data-category catalogue (a few dozen rows) and the ids the incident records. */
export async function loadCategoryFacts(db: DbOrTx, incidentId: string) {
  const [catalogue, involved] = await Promise.all([
    db.dataCategory.findMany({ select: { id: true, name: true, advice: true, sensitivity: true, sortOrder: true } }),
    db.incidentDataCategory.findMany({ where: { incidentId }, select: { categoryId: true } }),
  ]);
  return { catalogue, incidentCategoryIds: involved.map((i) => i.categoryId) };
}

/** The incident's obligations, with their copied terms, for the content check. */
export function listObligationTerms(db: DbOrTx, incidentId: string) {
  return db.obligation.findMany({
    where: { incidentId },
    select: { id: true, ruleId: true, terms: true, status: true },
    orderBy: { ruleId: "asc" },
  });
}

/** The columns of a person a notice needs. */
export const noticePersonSelect = {
  id: true,
  uniqueKey: true,
  givenName: true,
  familyName: true,
  email: true,
  externalId: true,
  language: true,
  country: true,
  region: true,
  categoryIds: true,
  attributes: true,
} as const satisfies Prisma.PersonSelect;

export type NoticePersonRow = Prisma.PersonGetPayload<{ select: typeof noticePersonSelect }>;

/**
 * One keyset page of the incident's people matching `where`, in unique-key order after
 * `afterKey`: read along the (incident_id, unique_key) index, so the cost of a page does not
 * grow with how far into the audience it is.
 */
export function listNoticePeoplePage(
  db: DbOrTx,
  incidentId: string,
  where: Prisma.PersonWhereInput | undefined,
  afterKey: string | undefined,
  take: number,
): Promise<NoticePersonRow[]> {
  const conditions: Prisma.PersonWhereInput[] = [{ incidentId }];
  if (where) conditions.push(where);
  if (afterKey !== undefined) conditions.push({ uniqueKey: { gt: afterKey } });
  return db.person.findMany({ where: { AND: conditions }, select: noticePersonSelect, orderBy: { uniqueKey: "asc" }, take });
}

/** A person of the incident with the columns a notice needs, or null. */
export function findNoticePerson(db: DbOrTx, incidentId: string, personId: string) {
  return db.person.findFirst({ where: { id: personId, incidentId }, select: noticePersonSelect });
}

/** The names of these users by id, for "saved by". */
export async function listUserNames(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const users = await db.user.findMany({ where: { id: { in: unique } }, select: { id: true, name: true } });
  return new Map(users.map((u) => [u.id, u.name]));
}

/** The first person of the incident in unique-key order, or null: the preview's default. */
export function findFirstNoticePerson(db: DbOrTx, incidentId: string) {
  return db.person.findFirst({ where: { incidentId }, select: noticePersonSelect, orderBy: { uniqueKey: "asc" } });
}
