import type { DbOrTx } from "../../db/client.js";
import { Prisma } from "../../generated/sqlite/client.js";

/** What a purge of the incident would remove now, counted for its confirmation. */
export async function countWhatGoes(db: DbOrTx, incidentId: string) {
  const [people, deliveries, told, bounced, imports, caught] = await Promise.all([
    db.person.count({ where: { incidentId, purgedAt: null } }),
    db.delivery.count({ where: { incidentId, OR: [{ email: { not: null } }, { fullName: { not: "" } }] } }),
    db.toldAnotherWay.count({ where: { incidentId, OR: [{ fullName: { not: "" } }, { note: { not: "" } }] } }),
    db.bouncedAddress.count({ where: { incidentId, NOT: { emailNormalized: { startsWith: "hmac-sha256:" } } } }),
    db.personImport.findMany({
      where: { incidentId, OR: [{ filePath: { not: "" } }, { errorReportPath: { not: null } }] },
      select: { filePath: true, errorReportPath: true },
    }),
    db.$queryRaw<{ n: bigint | number }[]>(
      Prisma.sql`SELECT COUNT(*) AS "n" FROM "caught_mail" c WHERE c."message_id" IN (SELECT d."message_id" FROM "delivery" d WHERE d."incident_id" = ${incidentId})`,
    ),
  ]);
  const importFiles = imports.reduce((n, i) => n + (i.filePath ? 1 : 0) + (i.errorReportPath ? 1 : 0), 0);
  return {
    people,
    deliveries,
    toldAnotherWay: told,
    bouncedAddresses: bounced,
    importFiles,
    caughtMail: Number(caught[0]?.n ?? 0),
  };
}

export type WhatGoes = Awaited<ReturnType<typeof countWhatGoes>>;

/**
 * The notices of the incident to an address: by the keyed hash the purge kept, or by the address
 * itself while the people are not purged; and the people told another way with that address.
 */
export async function findNoticesTo(db: DbOrTx, incidentId: string, normalized: string, hash: string, hashedColumn: string) {
  const deliveries = await db.delivery.findMany({
    where: { incidentId, OR: [{ emailHash: hash }, { emailNormalized: normalized }] },
    select: {
      id: true,
      personId: true,
      status: true,
      sentAt: true,
      toldAt: true,
      channel: true,
      messageId: true,
      templateVersionId: true,
      queuedAt: true,
    },
    orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
  });
  const people = await db.person.findMany({
    where: { incidentId, emailNormalized: { in: [normalized, hashedColumn] } },
    select: { id: true },
  });
  const told = people.length
    ? await db.toldAnotherWay.findMany({
        where: { incidentId, personId: { in: people.map((p) => p.id) } },
        select: { channel: true, toldAt: true },
      })
    : [];
  return { deliveries, told, isKnownPerson: people.length > 0 };
}
