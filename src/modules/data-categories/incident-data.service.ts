import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, withAudit } from "../audit/index.js";
import { loadIncident } from "../incidents/index.js";
import { type Sensitivity, sensitivityRank } from "./catalogue.policy.js";
import {
  type DataCategory,
  deleteIncidentData,
  findCategoryById,
  findIncidentData,
  type IncidentDataCategory,
  insertIncidentData,
  listCategories,
  listIncidentData,
  updateIncidentData,
} from "./data-categories.repository.js";
import type { IncidentDataInput, IncidentDataUpdateInput } from "./data-categories.schemas.js";

export type IncidentDataEntry = IncidentDataCategory & { category: DataCategory };

/** The incident a reference names, or a not_found error. */
export async function requireIncident(db: DbOrTx, reference: string): Promise<Incident> {
  return loadIncident(db, reference);
}

/** Most sensitive first (special, high, medium, low); then in catalogue order. */
export function sortBySensitivity<T extends { category: Pick<DataCategory, "sensitivity" | "sortOrder" | "name"> }>(
  entries: T[],
): T[] {
  const rank = (s: string) => sensitivityRank[s as Sensitivity] ?? 0;
  return [...entries].sort(
    (a, b) =>
      rank(b.category.sensitivity) - rank(a.category.sensitivity) ||
      a.category.sortOrder - b.category.sortOrder ||
      a.category.name.localeCompare(b.category.name),
  );
}

/** What the audit log keeps of an incident's data category. */
function auditView(incident: Incident, entry: IncidentDataEntry) {
  return {
    incident: incident.reference,
    categoryId: entry.categoryId,
    category: entry.category.name,
    details: entry.details,
    encrypted: entry.encrypted,
  };
}

const entityOf = (incident: Incident, categoryId: string) => ({
  entityType: "incident_data_category",
  entityId: `${incident.id}:${categoryId}`,
  incidentId: incident.id,
});

/**
 * Records that an incident involves a category of personal data. When the incident records the
 * category already, its details and encryption are updated instead (audited with before/after).
 */
export async function addIncidentData(
  deps: Deps,
  reference: string,
  input: IncidentDataInput,
  actor: Actor,
): Promise<{ incident: Incident; entry: IncidentDataEntry; isUpdate: boolean }> {
  return withAudit<{ incident: Incident; entry: IncidentDataEntry; isUpdate: boolean }>(
    deps.db,
    actor,
    deps.clock,
    async (tx) => {
      const incident = await requireIncident(tx, reference);
      if (!(await findCategoryById(tx, input.categoryId))) {
        throw new AppError("validation", "Some fields need correcting.", { categoryId: "Choose a category from the list." });
      }
      const existing = await findIncidentData(tx, incident.id, input.categoryId);
      const fields = { details: input.details, encrypted: input.encrypted };
      if (existing) {
        const entry = await updateIncidentData(tx, incident.id, input.categoryId, fields);
        return {
          result: { incident, entry, isUpdate: true },
          audit: {
            action: "incident_data.update",
            ...entityOf(incident, entry.categoryId),
            before: auditView(incident, existing),
            after: auditView(incident, entry),
          },
        };
      }
      const entry = await insertIncidentData(tx, { incidentId: incident.id, categoryId: input.categoryId, ...fields });
      return {
        result: { incident, entry, isUpdate: false },
        audit: { action: "incident_data.add", ...entityOf(incident, entry.categoryId), after: auditView(incident, entry) },
      };
    },
  );
}

/** Changes the details and encryption of a category an incident records (audited with before/after). */
export async function changeIncidentData(
  deps: Deps,
  reference: string,
  categoryId: string,
  input: IncidentDataUpdateInput,
  actor: Actor,
): Promise<{ incident: Incident; entry: IncidentDataEntry }> {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const { incident, entry: existing } = await requireEntry(tx, reference, categoryId);
    const entry = await updateIncidentData(tx, incident.id, categoryId, { details: input.details, encrypted: input.encrypted });
    return {
      result: { incident, entry },
      audit: {
        action: "incident_data.update",
        ...entityOf(incident, categoryId),
        before: auditView(incident, existing),
        after: auditView(incident, entry),
      },
    };
  });
}

/** Removes a category from an incident; the audit entry keeps what was recorded. */
export async function removeIncidentData(
  deps: Deps,
  reference: string,
  categoryId: string,
  actor: Actor,
): Promise<{ incident: Incident; entry: IncidentDataEntry }> {
  return withAudit(deps.db, actor, deps.clock, async (tx) => {
    const { incident, entry } = await requireEntry(tx, reference, categoryId);
    await deleteIncidentData(tx, incident.id, categoryId);
    return {
      result: { incident, entry },
      audit: { action: "incident_data.remove", ...entityOf(incident, categoryId), before: auditView(incident, entry) },
    };
  });
}

async function requireEntry(db: DbOrTx, reference: string, categoryId: string) {
  const incident = await requireIncident(db, reference);
  const entry = await findIncidentData(db, incident.id, categoryId);
  if (!entry) throw new AppError("not_found", `${incident.reference} does not record this category of data.`);
  return { incident, entry };
}

/** What the add form page needs: the incident and the whole catalogue. */
export async function loadAddForm(deps: Deps, reference: string) {
  const incident = await requireIncident(deps.db.prisma, reference);
  return { incident, categories: await listCategories(deps.db.prisma) };
}

/** What the edit page of one recorded category needs. */
export function loadEditForm(deps: Deps, reference: string, categoryId: string) {
  return requireEntry(deps.db.prisma, reference, categoryId);
}

/** An incident's data categories, most sensitive first, and the catalogue for the add form. */
export async function loadIncidentData(deps: Deps, incident: Incident) {
  const [entries, categories] = await Promise.all([
    listIncidentData(deps.db.prisma, incident.id),
    listCategories(deps.db.prisma),
  ]);
  return { entries: sortBySensitivity(entries), categories };
}
