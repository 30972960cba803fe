import type { Db } from "../../db/client.js";

/** The cheapest question the database can answer: the health check's probe. */
export function pingDatabase(db: Db) {
  return db.$queryRawUnsafe("SELECT 1");
}
