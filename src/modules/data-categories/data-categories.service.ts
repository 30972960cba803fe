import type { Database, DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../lib/errors.js";
import { type Actor, withAudit } from "../audit/index.js";
import { builtInCategories, type CatalogueEntry } from "./catalogue.policy.js";
import {
  type DataCategory,
  insertCategories,
  insertCategory,
  listCategories,
  updateCategory,
} from "./data-categories.repository.js";
import type { CreateCategoryInput } from "./data-categories.schemas.js";

/** Where categories an administrator adds sort: after every built-in one. */
const ADDED_SORT_ORDER = 1000;
const SLUG_MAX = 48;

/**
 * A stable id from a category name: lower-case ASCII letters, digits and underscores
 * ("Loyalty card numbers" -> "loyalty_card_numbers"); "category" when nothing is left.
 */
export function slugFromName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .slice(0, SLUG_MAX)
    .replace(/^_+|_+$/g, "");
  return slug || "category";
}

/** The slug itself when free, otherwise the slug with the first free suffix (_2, _3 ...). */
export function uniqueSlug(slug: string, takenIds: ReadonlySet<string>): string {
  if (!takenIds.has(slug)) return slug;
  for (let n = 2; ; n++) if (!takenIds.has(`${slug}_${n}`)) return `${slug}_${n}`;
}

export interface CatalogueSync {
  created: string[];
  updated: string[];
  /** Built-in ids left alone because an administrator's category holds the id or the name. */
  kept: string[];
}

/**
 * Brings the built-in catalogue into the database: creates missing entries and refreshes the
 * text of built-in ones, in one transaction. Categories an administrator added are never
 * changed, even when a later catalogue uses their id or name. Running it again changes nothing.
 */
export async function ensureBuiltInCategories(db: Database): Promise<CatalogueSync> {
  try {
    return await db.prisma.$transaction((tx) => syncCatalogue(tx));
  } catch (error) {
    // Two processes starting together may both insert the same entry; the second pass sees it.
    if (!isUniqueViolation(error)) throw error;
    return db.prisma.$transaction((tx) => syncCatalogue(tx));
  }
}

async function syncCatalogue(tx: DbOrTx): Promise<CatalogueSync> {
  const existing = await listCategories(tx);
  const byId = new Map(existing.map((c) => [c.id, c]));
  const byName = new Map(existing.map((c) => [c.name.toLowerCase(), c]));
  const sync: CatalogueSync = { created: [], updated: [], kept: [] };
  const toCreate: (CatalogueEntry & { isBuiltIn: boolean; sortOrder: number })[] = [];
  for (const [index, entry] of builtInCategories.entries()) {
    const fields = { ...entry, isBuiltIn: true, sortOrder: (index + 1) * 10 };
    const current = byId.get(entry.id);
    const holderOfName = byName.get(entry.name.toLowerCase());
    if (!current) {
      if (holderOfName) sync.kept.push(entry.id);
      else toCreate.push(fields);
      continue;
    }
    if (!current.isBuiltIn) {
      sync.kept.push(entry.id);
      continue;
    }
    // A renamed built-in keeps its old name while another category holds the new one.
    const name = holderOfName && holderOfName.id !== entry.id ? current.name : entry.name;
    const wanted = { name, sensitivity: entry.sensitivity, harm: entry.harm, advice: entry.advice, sortOrder: fields.sortOrder };
    const isStale = (Object.keys(wanted) as (keyof typeof wanted)[]).some((key) => current[key] !== wanted[key]);
    if (isStale) {
      await updateCategory(tx, entry.id, wanted);
      sync.updated.push(entry.id);
    }
  }
  // One statement for a new instance's whole catalogue, rather than one round trip per entry.
  if (toCreate.length > 0) await insertCategories(tx, toCreate);
  sync.created = toCreate.map((c) => c.id);
  return sync;
}

/** What the audit log keeps of a category. */
function auditView(category: DataCategory) {
  return {
    id: category.id,
    name: category.name,
    sensitivity: category.sensitivity,
    harm: category.harm,
    advice: category.advice,
  };
}

/**
 * Adds a category to the catalogue. Its id is a slug of the name, made unique; a name already
 * in the catalogue (in any letter case) is refused.
 */
export async function createDataCategory(deps: Deps, input: CreateCategoryInput, actor: Actor): Promise<DataCategory> {
  const taken = () =>
    new AppError("conflict", "The catalogue has a category with this name already.", { name: "This name is taken." });
  try {
    return await withAudit(deps.db, actor, deps.clock, async (tx) => {
      const existing = await listCategories(tx);
      if (existing.some((c) => c.name.toLowerCase() === input.name.toLowerCase())) throw taken();
      const id = uniqueSlug(slugFromName(input.name), new Set(existing.map((c) => c.id)));
      const created = await insertCategory(tx, { id, ...input, isBuiltIn: false, sortOrder: ADDED_SORT_ORDER });
      return {
        result: created,
        audit: { action: "data_category.create", entityType: "data_category", entityId: id, after: auditView(created) },
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
}

/** The catalogue, for the catalogue page and the incident forms. */
export function loadCatalogue(deps: Deps): Promise<DataCategory[]> {
  return listCategories(deps.db.prisma);
}

/** True for Prisma's unique-constraint error (P2002), on either provider. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
