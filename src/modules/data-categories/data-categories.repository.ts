import type { DbOrTx } from "../../db/client.js";
import type { DataCategory, IncidentDataCategory } from "../../generated/sqlite/client.js";

export type { DataCategory, IncidentDataCategory };

type CategoryFields = Pick<DataCategory, "name" | "sensitivity" | "harm" | "advice" | "isBuiltIn" | "sortOrder">;

/** The whole catalogue in the order forms list it: built-in order, then added ones by name. */
export function listCategories(db: DbOrTx) {
  return db.dataCategory.findMany({ orderBy: [{ sortOrder: "asc" }, { name: "asc" }] });
}

/** One catalogue entry, or null. */
export function findCategoryById(db: DbOrTx, id: string) {
  return db.dataCategory.findUnique({ where: { id } });
}

/** Inserts one category. */
export function insertCategory(db: DbOrTx, data: CategoryFields & { id: string }) {
  return db.dataCategory.create({ data });
}

/** Inserts many categories in one statement. */
export function insertCategories(db: DbOrTx, data: (CategoryFields & { id: string })[]) {
  return db.dataCategory.createMany({ data });
}

/** Changes fields of one category. */
export function updateCategory(db: DbOrTx, id: string, data: Partial<CategoryFields>) {
  return db.dataCategory.update({ where: { id }, data });
}

/** The categories an incident records, with the catalogue entry of each. */
export function listIncidentData(db: DbOrTx, incidentId: string) {
  return db.incidentDataCategory.findMany({ where: { incidentId }, include: { category: true } });
}

/** The entry of one category on one incident, with the category, or null. */
export function findIncidentData(db: DbOrTx, incidentId: string, categoryId: string) {
  return db.incidentDataCategory.findUnique({
    where: { incidentId_categoryId: { incidentId, categoryId } },
    include: { category: true },
  });
}

/** Records a category on an incident, returning it with its category. */
export function insertIncidentData(
  db: DbOrTx,
  data: Pick<IncidentDataCategory, "incidentId" | "categoryId" | "details" | "encrypted">,
) {
  return db.incidentDataCategory.create({ data, include: { category: true } });
}

/** Changes the details and encryption of a recorded category, returning it with its category. */
export function updateIncidentData(
  db: DbOrTx,
  incidentId: string,
  categoryId: string,
  data: Pick<IncidentDataCategory, "details" | "encrypted">,
) {
  return db.incidentDataCategory.update({
    where: { incidentId_categoryId: { incidentId, categoryId } },
    data,
    include: { category: true },
  });
}

/** Removes a category from an incident (the catalogue entry stays). */
export function deleteIncidentData(db: DbOrTx, incidentId: string, categoryId: string) {
  return db.incidentDataCategory.delete({ where: { incidentId_categoryId: { incidentId, categoryId } } });
}

/** The categories several incidents record (for the breach register), with each catalogue entry. */
export function listIncidentDataOfIncidents(db: DbOrTx, incidentIds: string[]) {
  return db.incidentDataCategory.findMany({ where: { incidentId: { in: incidentIds } }, include: { category: true } });
}
