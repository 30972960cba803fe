import type { DbOrTx } from "../../db/client.js";
import { STALE_RUNNING_IMPORT_MS } from "./person-import.repository.js";

/** The queries of the people pages and section. */

export function findImportOfIncident(db: DbOrTx, incidentId: string, importId: string) {
  return db.personImport.findFirst({ where: { id: importId, incidentId } });
}

/**
 * The engine's own record of a run started for an upload: the engine records each run under
 * a new id, with the same file.
 */
export function findEngineRun(db: DbOrTx, incidentId: string, uploadId: string, filePath: string) {
  return db.personImport.findFirst({
    where: { incidentId, filePath, id: { not: uploadId } },
    orderBy: { createdAt: "desc" },
  });
}

/** The mapping of the latest import of the incident that had one, header -> field. */
export async function rememberedMapping(db: DbOrTx, incidentId: string, exceptId: string): Promise<Record<string, string>> {
  const latest = await db.personImport.findFirst({
    where: { incidentId, id: { not: exceptId }, status: { not: "uploaded" }, mapping: { not: "{}" } },
    orderBy: { createdAt: "desc" },
  });
  if (!latest) return {};
  try {
    const parsed = JSON.parse(latest.mapping) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Another import of the incident that is queued, or running and not stale. */
export function findActiveImport(db: DbOrTx, incidentId: string, exceptId: string, now: Date) {
  return db.personImport.findFirst({
    where: {
      incidentId,
      id: { not: exceptId },
      OR: [{ status: "queued" }, { status: "running", updatedAt: { gte: new Date(now.getTime() - STALE_RUNNING_IMPORT_MS) } }],
    },
  });
}

/** The incident's recent imports, newest first, without the engine's per-run records. */
export async function listRecentImports(db: DbOrTx, incidentId: string, take = 10) {
  const rows = await db.personImport.findMany({ where: { incidentId }, orderBy: { createdAt: "desc" }, take: take * 2 });
  const byFile = new Map<string, (typeof rows)[number]>();
  // The upload record is created first (oldest); the engine's run record is the later one.
  for (const row of [...rows].reverse()) if (!byFile.has(row.filePath)) byFile.set(row.filePath, row);
  return [...byFile.values()].reverse().slice(0, take);
}

/** The counts of the people section. */
export async function countPeople(db: DbOrTx, incidentId: string) {
  const [total, withEmail, atRisk, places] = await Promise.all([
    db.person.count({ where: { incidentId } }),
    db.person.count({ where: { incidentId, AND: [{ email: { not: null } }, { email: { not: "" } }] } }),
    db.person.count({ where: { incidentId, isAtRisk: true } }),
    db.person.groupBy({
      by: ["country", "region"],
      where: { incidentId },
      _count: { _all: true },
      orderBy: { _count: { id: "desc" } },
      take: 10,
    }),
  ]);
  return {
    total,
    withEmail,
    withoutEmail: total - withEmail,
    atRisk,
    places: places.map((p) => ({ country: p.country ?? "", region: p.region ?? "", count: p._count._all })),
  };
}
