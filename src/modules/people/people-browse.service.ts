import type { DbOrTx } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Incident, PersonImport } from "../../generated/sqlite/client.js";
import { AppError } from "../../lib/errors.js";
import { loadCatalogue, loadIncidentData } from "../data-categories/index.js";
import { WRITING_STATUSES } from "./import-lifecycle.policy.js";
import { findImportOfIncident, listRecentImports } from "./people.repository.js";
import {
  countIncidentPeople,
  countPeopleOfImport,
  countPeopleUpTo,
  findPersonOfIncident,
  listPeoplePage,
  type PeopleFilter,
  type Person,
  summarizePeople,
} from "./people-browse.repository.js";
import type { PeopleFilterInput } from "./people-browse.schemas.js";
import { cachedPeopleCounts } from "./people-counts-cache.service.js";
import { describeWarning, parsePersonWarnings, type ValueWarning } from "./person-warnings.policy.js";
import { postalAddressLines } from "./postal-address.policy.js";

/** People per page on the site. */
export const PEOPLE_PAGE_SIZE = 50;
/** A filtered list is counted up to this many matches (see countPeopleUpTo). */
export const MATCH_COUNT_CAP = 10_000;
/** Imports listed on the people page (newest first). */
const LISTED_IMPORTS = 20;

/** An incident's data category as the people pages name it. */
export interface IncidentCategory {
  id: string;
  name: string;
}

/** The incident's data categories, most sensitive first. */
export async function loadIncidentCategories(deps: Deps, incident: Incident): Promise<IncidentCategory[]> {
  const { entries } = await loadIncidentData(deps, incident);
  return entries.map((e) => ({ id: e.categoryId, name: e.category.name }));
}

/** The ids a person's categoryIds names; null means every category of the incident. */
export function parseCategoryIds(text: string | null): string[] | null {
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : null;
  } catch {
    return null;
  }
}

/**
 * The counts of the people page: totals, at risk, with and without e-mail, per data category
 * (a person without categories of their own counts under each of the incident's), per country
 * and per place. Every figure comes from a GROUP BY or COUNT: no person is loaded.
 */
export async function summarizeIncidentPeople(deps: Deps, incident: Incident, categories: IncidentCategory[]) {
  const counts = await readSummaryCounts(deps, incident);
  const atRisk = { yes: 0, no: 0, unknown: 0 };
  const byCategory = new Map(categories.map((c) => [c.id, 0]));
  for (const group of counts.riskAndCategories) {
    atRisk[group.isAtRisk === null ? "unknown" : group.isAtRisk ? "yes" : "no"] += group.count;
    const ids = parseCategoryIds(group.categoryIds) ?? categories.map((c) => c.id);
    for (const id of new Set(ids)) if (byCategory.has(id)) byCategory.set(id, byCategory.get(id)! + group.count);
  }
  return {
    total: counts.total,
    withEmail: counts.withEmail,
    withoutEmail: counts.total - counts.withEmail,
    atRisk,
    categories: categories.map((c) => ({ ...c, count: byCategory.get(c.id) ?? 0 })),
    countries: counts.countries,
    places: counts.places,
  };
}
export type PeopleSummary = Awaited<ReturnType<typeof summarizeIncidentPeople>>;

/** The incident's people counts, kept between requests until its people may have changed (people-counts-cache.ts). */
function readSummaryCounts(deps: Deps, incident: Incident) {
  const { prisma } = deps.db;
  return cachedPeopleCounts(prisma, incident.id, "summary", () => summarizePeople(prisma, incident.id));
}

/** Places the incident page's people section lists. */
const SECTION_PLACES = 10;

/**
 * The incident page's people figures (total, with and without e-mail, at risk, the most common
 * places), from the same kept counts as the people page: the page costs no count of its own.
 */
export async function countPeopleForSection(deps: Deps, incident: Incident) {
  const counts = await readSummaryCounts(deps, incident);
  return {
    total: counts.total,
    withEmail: counts.withEmail,
    withoutEmail: counts.total - counts.withEmail,
    atRisk: counts.riskAndCategories.reduce((n, g) => n + (g.isAtRisk === true ? g.count : 0), 0),
    places: counts.places
      .slice(0, SECTION_PLACES)
      .map((p) => ({ country: p.country ?? "", region: p.region ?? "", count: p.count })),
  };
}

/** An import as the people page lists it, with how many people it last wrote. */
export interface ListedImport {
  import: PersonImport;
  isActive: boolean;
  /** People whose last import this is; null while it runs (its people are counted when it ends). */
  peopleCount: number | null;
}

/** The incident's recent imports with their people counts (one indexed count each, kept like the summary). */
export async function listImportsWithPeople(deps: Deps, incident: Incident): Promise<ListedImport[]> {
  const { prisma } = deps.db;
  const imports = await listRecentImports(prisma, incident.id, LISTED_IMPORTS);
  const ended = imports.filter((row) => !WRITING_STATUSES.includes(row.status)).map((row) => row.id);
  const counts = await cachedPeopleCounts(prisma, incident.id, `imports:${ended.join(",")}`, async () => {
    const byImport = new Map<string, number>();
    for (const id of ended) byImport.set(id, await countPeopleOfImport(prisma, id));
    return byImport;
  });
  return imports.map((row) => {
    const isActive = WRITING_STATUSES.includes(row.status);
    return { import: row, isActive, peopleCount: isActive ? null : (counts.get(row.id) ?? 0) };
  });
}

/**
 * The filters checked against the incident: a category it records, an import of its own.
 * Throws a validation error with a message per filter that names something it does not have.
 */
export async function resolvePeopleFilter(
  deps: Deps,
  incident: Incident,
  input: PeopleFilterInput,
  categories: IncidentCategory[],
): Promise<PeopleFilter> {
  const fieldErrors: Record<string, string> = {};
  if (input.category && !categories.some((c) => c.id === input.category)) {
    fieldErrors.category = "This incident does not record that data category; choose one from the list.";
  }
  if (input.import && !(await findImportOfIncident(deps.db.prisma, incident.id, input.import))) {
    fieldErrors.import = "This incident has no such import; choose one from the list.";
  }
  if (Object.keys(fieldErrors).length) throw new AppError("validation", "Some filters cannot be used.", fieldErrors);
  const { import: importId, ...rest } = input;
  return { ...rest, importId };
}

export interface PeopleListRequest {
  filter: PeopleFilter;
  /** The id of the person the page starts after, or ends before. */
  after?: string;
  before?: string;
  limit: number;
  /** The incident's number of people, when the caller has it (the unfiltered list's total). */
  knownTotal?: number;
}

/** A page of people with the cursors of the pages either side and how many match. */
export interface PeopleListPage {
  people: Person[];
  /** The id to ask for the next page after, or null on the last page. */
  nextAfter: string | null;
  /** The id to ask for the previous page before, or null on the first page. */
  previousBefore: string | null;
  matching: { count: number; isExact: boolean };
}

/** The person a cursor names, or a validation error that says to start again. */
async function cursorKey(deps: Deps, incident: Incident, field: "after" | "before", personId: string | undefined) {
  if (personId === undefined) return undefined;
  const person = await findPersonOfIncident(deps.db.prisma, incident.id, personId);
  if (!person) {
    throw new AppError("validation", "This page link no longer works.", {
      [field]: "The person this page started from is no longer in the list; start again from the first page.",
    });
  }
  return person.uniqueKey;
}

/**
 * One keyset page of the incident's people matching the filter. The number matching is exact
 * without a filter, or when one page holds them all; with a filter it is counted up to
 * MATCH_COUNT_CAP.
 */
export async function listPeople(deps: Deps, incident: Incident, request: PeopleListRequest): Promise<PeopleListPage> {
  const { prisma } = deps.db;
  const afterKey = await cursorKey(deps, incident, "after", request.after);
  const beforeKey = await cursorKey(deps, incident, "before", request.before);
  const rows = await listPeoplePage(prisma, incident.id, request.filter, { afterKey, beforeKey, take: request.limit + 1 });
  const isBackwards = beforeKey !== undefined;
  const hasExtra = rows.length > request.limit;
  // Backwards, the extra row is the earliest one: it says there is a page before this one.
  const people = isBackwards ? rows.slice(hasExtra ? 1 : 0) : rows.slice(0, request.limit);
  const hasNext = isBackwards || hasExtra;
  const hasPrevious = isBackwards ? hasExtra : afterKey !== undefined;
  const isFiltered = Object.values(request.filter).some((value) => value !== undefined);
  let matching: PeopleListPage["matching"];
  if (!hasNext && !hasPrevious) matching = { count: people.length, isExact: true };
  else if (isFiltered) matching = await countPeopleUpTo(prisma, incident.id, request.filter, MATCH_COUNT_CAP);
  else matching = { count: request.knownTotal ?? (await countIncidentPeople(prisma, incident.id)), isExact: true };
  return {
    people,
    nextAfter: hasNext && people.length ? people[people.length - 1]!.id : null,
    previousBefore: hasPrevious && people.length ? people[0]!.id : null,
    matching,
  };
}

/** A person of the incident with their categories by name and the import that last wrote them. */
export async function loadPerson(deps: Deps, incident: Incident, personId: string) {
  const { prisma } = deps.db;
  const person = await findPersonOfIncident(prisma, incident.id, personId);
  if (!person) throw new AppError("not_found", `${incident.reference} has no such person; they may have been deleted.`);
  const [categories, catalogue, lastImport] = await Promise.all([
    loadIncidentCategories(deps, incident),
    loadCatalogue(deps),
    person.importId ? findImportOfIncident(prisma, incident.id, person.importId) : null,
  ]);
  const ids = parseCategoryIds(person.categoryIds);
  const names = new Map(catalogue.map((c) => [c.id, c.name]));
  return {
    person,
    /** null: all of the incident's categories (listed in incidentCategories). */
    categoryNames: ids === null ? null : ids.map((id) => names.get(id) ?? id),
    incidentCategories: categories,
    attributes: parseAttributes(person.attributes),
    /** What the import could not use, in words, each naming the value as given. */
    warnings: Object.entries(parsePersonWarnings(person.warnings)).map(([code, given]) =>
      describeWarning(code as ValueWarning, given),
    ),
    addressLines: postalAddressLines(person),
    lastImport,
  };
}

/** A person's free attributes as name and value pairs, in the order they were stored. */
export function parseAttributes(text: string): [string, string][] {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return [];
    return Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
  } catch {
    return [];
  }
}

/** The first `take` people of the incident whose name or address matches q: the notice preview's recipient search. */
export function searchIncidentPeople(db: DbOrTx, incidentId: string, q: string, take: number) {
  return listPeoplePage(db, incidentId, { q }, { take });
}
