import type { DbOrTx } from "../../db/client.js";

/** The queries of the people pages and section. */

export function findImportOfIncident(db: DbOrTx, incidentId: string, importId: string) {
  return db.personImport.findFirst({ where: { id: importId, incidentId } });
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

/** The incident's recent imports, newest first. */
export function listRecentImports(db: DbOrTx, incidentId: string, take = 10) {
  return db.personImport.findMany({ where: { incidentId }, orderBy: { createdAt: "desc" }, take });
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
