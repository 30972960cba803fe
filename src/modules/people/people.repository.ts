import type { DbOrTx } from "../../db/client.js";

/** The queries of the people section. */

// The import's queries live in its repository; the people pages read these two from here too.
export { findImportOfIncident, listRecentImports } from "./person-import.repository.js";

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
